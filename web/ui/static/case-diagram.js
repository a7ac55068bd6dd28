// The case page's diagram: the bpmn-js navigated viewer (read-only, served locally as
// window.BpmnJS) draws the process the family is in, its current steps highlighted and completed
// ones marked. Without this script the page keeps the text list of steps, which stays for screen
// readers too. A diagram too wide to read when fitted is shown at a readable scale around "Now"
// (diagram-focus.js).
const figure = document.querySelector('[data-case-diagram]')
const source = document.getElementById('case-diagrams')

async function show (viewer, diagram, error) {
  const response = await fetch(diagram.url, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
  if (!response.ok) throw new Error(`diagram ${response.status}`)
  await viewer.importXML(await response.text())
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  const overlays = viewer.get('overlays')
  for (const id of diagram.completed) {
    if (registry.get(id)) canvas.addMarker(id, 'app-step--completed')
  }
  for (const id of diagram.current) {
    if (!registry.get(id)) continue
    canvas.addMarker(id, 'app-step--current')
    const badge = document.createElement('span')
    badge.className = 'app-step-badge'
    badge.textContent = 'Now'
    overlays.add(id, { position: { top: -14, left: 0 }, html: badge })
  }
  window.DiagramFocus.readableAround(viewer, diagram.current)
  error.hidden = true
  figure.dataset.shown = diagram.url
}

if (figure && source && window.BpmnJS) {
  const { selected, diagrams } = JSON.parse(source.textContent)
  const error = figure.querySelector('[data-diagram-error]')
  figure.hidden = false // shown before drawing: fitting the viewport needs its size
  const viewer = new window.BpmnJS({ container: figure.querySelector('[data-diagram-canvas]') })
  const draw = (index) => show(viewer, diagrams[index], error).catch(() => { error.hidden = false })
  const choice = figure.querySelector('#diagram-choice')
  if (choice) choice.addEventListener('change', () => draw(Number(choice.value)))
  draw(selected)
}
