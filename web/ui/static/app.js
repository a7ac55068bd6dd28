// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk/govuk-frontend.min.js'

initAll()

// The session time-out warning: shown a few minutes before an idle session ends.
const warning = document.getElementById('session-warning')
if (warning && warning.dataset.remainingS) {
  // Counted from page load: the server may run a manual (demo) clock that the browser does not know.
  const endsAt = Date.now() + Number(warning.dataset.remainingS) * 1000
  const warnMs = Number(warning.dataset.warnS) * 1000
  const check = () => {
    if (endsAt - Date.now() <= warnMs) {
      warning.hidden = false
    } else {
      window.setTimeout(check, 15000)
    }
  }
  check()
}
