// The case page's diagram: the bpmn-js navigated viewer (read-only, served locally as
// window.BpmnJS) draws the process the family is in, its current steps highlighted and completed
// ones marked. Without this script the page keeps the text list of steps, which stays for screen
// readers too. A diagram too wide to read when fitted is shown at a readable scale around "Now".
const figure = document.querySelector('[data-case-diagram]')
const source = document.getElementById('case-diagrams')
const READABLE = 0.8

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
  canvas.zoom('fit-viewport')
  // Only a step on the plane in view: scrolling to one inside a collapsed subprocess would open it.
  const root = canvas.getRootElement()
  const onPlane = (element) => { while (element.parent) element = element.parent; return element === root }
  const now = diagram.current.map((id) => registry.get(id)).filter((element) => element && onPlane(element))
  if (canvas.zoom() < READABLE && now.length) {
    canvas.zoom(READABLE)
    const { width, height } = canvas.viewbox()
    const step = now[0]
    canvas.viewbox({ x: step.x + step.width / 2 - width / 2, y: step.y + step.height / 2 - height / 2, width, height })
  }
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
