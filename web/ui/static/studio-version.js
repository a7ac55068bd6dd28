// A version page of the process owners' studio: the bpmn-js navigated viewer (window.BpmnJS, served
// locally) draws the version's process and, where live counts are known, a badge on each element with
// how many families wait there ("14 waiting", from the live wait projection). The counts are also in a
// table on the page with the steps' names, and the
// files can be downloaded, so nothing rests on the picture alone. A process too wide to read when
// fitted is shown at a readable scale around the first step where families wait (diagram-focus.js).
const figure = document.querySelector('[data-studio-version]')
const source = document.getElementById('studio-version')

async function show (viewer, diagram, error) {
  const response = await fetch(diagram.url, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
  if (!response.ok) throw new Error(`diagram ${response.status}`)
  await viewer.importXML(await response.text())
  const registry = viewer.get('elementRegistry')
  const overlays = viewer.get('overlays')
  for (const [id, count] of Object.entries(diagram.live || {})) {
    if (!registry.get(id) || !count) continue
    const badge = document.createElement('span')
    badge.className = 'app-live-badge'
    badge.dataset.liveCount = id
    badge.textContent = `${count} waiting`
    overlays.add(id, 'app-live', { position: { bottom: 0, right: 0 }, html: badge })
  }
  window.DiagramFocus.readableAround(viewer, Object.keys(diagram.live || {}))
  error.hidden = true
  figure.dataset.shown = 'true'
}

if (figure && source && window.BpmnJS) {
  const diagram = JSON.parse(source.textContent)
  const error = figure.querySelector('[data-diagram-error]')
  figure.hidden = false // shown before drawing: fitting the viewport needs its size
  const viewer = new window.BpmnJS({ container: figure.querySelector('[data-diagram-canvas]') })
  show(viewer, diagram, error).catch(() => { error.hidden = false })
}
