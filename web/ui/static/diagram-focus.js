// One rule for every diagram the app draws (case page, studio version and diff pages): a process too
// wide to read when fitted to its box is shown at a readable scale centred on the first of the
// elements that matter (where the family is now, what changed, where families wait). Only an element
// on the plane in view counts: scrolling to one inside a collapsed subprocess would open it.
window.DiagramFocus = {
  readableAround (viewer, ids, readable = 0.8) {
    const canvas = viewer.get('canvas')
    const registry = viewer.get('elementRegistry')
    canvas.zoom('fit-viewport')
    const root = canvas.getRootElement()
    const onPlane = (element) => { while (element.parent) element = element.parent; return element === root }
    const first = ids.map((id) => registry.get(id))
      .find((element) => element && element.waypoints === undefined && onPlane(element))
    if (!first || canvas.zoom() >= readable) return
    canvas.zoom(readable)
    const { width, height } = canvas.viewbox()
    canvas.viewbox({ x: first.x + first.width / 2 - width / 2, y: first.y + first.height / 2 - height / 2, width, height })
  }
}
