// The diff page of the process owners' studio: both versions' diagrams side by side, each added,
// removed and changed element marked by window.StudioDiff (bpmn-js-differ, web/ui/bundles/studio-diff.js)
// with a class and a badge in words. The changes in words are listed above the pictures.
const box = document.querySelector('[data-studio-diff]')
const source = document.getElementById('studio-diff')

async function fetchXML (url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/xml' } })
  if (!response.ok) throw new Error(`diagram ${response.status}`)
  return response.text()
}

async function show (urls, error) {
  const [oldXML, newXML] = await Promise.all([fetchXML(urls.old), fetchXML(urls.new)])
  const oldViewer = new window.BpmnJS({ container: box.querySelector('[data-diagram-old]') })
  const newViewer = new window.BpmnJS({ container: box.querySelector('[data-diagram-new]') })
  const marked = await window.StudioDiff.showDiff(oldViewer, newViewer, oldXML, newXML)
  // Both sides centred on the first change, at a scale where its name can be read.
  window.DiagramFocus.readableAround(oldViewer, [...marked.changed, ...marked.removed])
  window.DiagramFocus.readableAround(newViewer, [...marked.changed, ...marked.added])
  error.hidden = true
  box.dataset.marked = JSON.stringify(marked)
}

if (box && source && window.BpmnJS && window.StudioDiff) {
  const urls = JSON.parse(source.textContent)
  const error = box.querySelector('[data-diagram-error]')
  box.hidden = false // shown before drawing: fitting the viewport needs its size
  if (urls.old && urls.new) {
    show(urls, error).catch(() => { error.hidden = false })
  } else {
    error.hidden = false
  }
}
