// The diagram diff of the process owner's studio: two versions of a process drawn side by side, each
// element added, removed or changed marked twice over, by a colour class and by a badge in words
// ("added", "removed", "changed"), so the marks never rest on colour alone. bpmn-js-differ compares
// the two models the viewers read; esbuild bundles this file with it into
// web/ui/static/build/studio-diff.js (`npm run build`, run by `make install`), which exposes
// window.StudioDiff. The page brings the bpmn-js viewer (window.BpmnJS) and studio-diff.css.
import { diff } from 'bpmn-js-differ'

export const KINDS = ['added', 'removed', 'changed']

// What the differ found, as element ids per kind (sorted, so a page lists them in a fixed order).
// Removed elements are drawn on the old diagram, added ones on the new, changed ones on both;
// a change of layout alone is no change.
export function compare (oldDefinitions, newDefinitions) {
  const changes = diff(oldDefinitions, newDefinitions)
  return {
    added: Object.keys(changes._added).sort(),
    removed: Object.keys(changes._removed).sort(),
    changed: Object.keys(changes._changed).sort()
  }
}

function mark (viewer, ids, kind) {
  const canvas = viewer.get('canvas')
  const registry = viewer.get('elementRegistry')
  const overlays = viewer.get('overlays')
  const marked = []
  for (const id of ids) {
    // The differ also reports what has no shape (the definitions, a process, an extension element).
    if (!registry.get(id)) continue
    canvas.addMarker(id, `app-diff--${kind}`)
    const badge = document.createElement('span')
    badge.className = `app-diff-badge app-diff-badge--${kind}`
    badge.textContent = kind
    overlays.add(id, 'app-diff', { position: { top: -14, left: 0 }, html: badge })
    marked.push(id)
  }
  return marked
}

// Draws oldXML in oldViewer and newXML in newViewer and marks what differs. Returns the ids marked
// per kind, { added, removed, changed }, for a legend or a text list beside the diagrams.
export async function showDiff (oldViewer, newViewer, oldXML, newXML) {
  await oldViewer.importXML(oldXML)
  await newViewer.importXML(newXML)
  const found = compare(oldViewer.getDefinitions(), newViewer.getDefinitions())
  return {
    added: mark(newViewer, found.added, 'added'),
    removed: mark(oldViewer, found.removed, 'removed'),
    changed: [...new Set([...mark(oldViewer, found.changed, 'changed'), ...mark(newViewer, found.changed, 'changed')])].sort()
  }
}
