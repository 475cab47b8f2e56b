// reflect-web's script. Every page works without it; it only enhances:
// GOV.UK Frontend's components (show a password, the menu on a phone),
// and, later, live notifications and saving drafts as you type.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
  initAll()
}
