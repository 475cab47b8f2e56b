// reflect-web's script. Every page works without it; it only enhances:
// GOV.UK Frontend's components (show a password, the menu on a phone) and
// live notifications: events arrive over Server-Sent Events (/events) and
// are shown at the top of the page (read out by screen readers: the region
// is aria-live) and, if the person allows it, as desktop notifications.
// Text from the server is only ever set as textContent, never as markup.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled')
if ('noModule' in HTMLScriptElement.prototype) {
  document.body.classList.add('govuk-frontend-supported')
  initAll()
}

function showLive (ev) {
  const live = document.getElementById('reflect-live')
  if (!live) return
  const banner = document.createElement('div')
  banner.className = 'govuk-notification-banner reflect-live__item'
  banner.setAttribute('role', 'region')
  banner.setAttribute('aria-label', 'New in Reflect')
  const content = document.createElement('div')
  content.className = 'govuk-notification-banner__content'
  const heading = document.createElement('p')
  heading.className = 'govuk-notification-banner__heading'
  heading.textContent = ev.summary
  content.appendChild(heading)
  if (ev.who) {
    const who = document.createElement('p')
    who.className = 'govuk-body'
    who.textContent = ev.who
    content.appendChild(who)
  }
  if (typeof ev.href === 'string' && /^\/[^/\\]/.test(ev.href)) {
    const link = document.createElement('a')
    link.className = 'govuk-notification-banner__link'
    link.href = ev.href
    link.textContent = 'Open it'
    content.appendChild(link)
  }
  banner.appendChild(content)
  live.prepend(banner)
  while (live.children.length > 5) live.lastElementChild.remove()
  if ('Notification' in window && Notification.permission === 'granted') {
    const n = new Notification('Reflect', { body: ev.summary, tag: 'reflect-' + ev.seq })
    n.onclick = () => {
      window.focus()
      if (typeof ev.href === 'string' && /^\/[^/\\]/.test(ev.href)) window.location.href = ev.href
    }
  }
}

// EventSource reconnects by itself after a dropped connection, but not
// after a refusal (too many tabs, the gateway restarting): then it is
// opened again later, backing off from 30 s to 5 minutes.
function listen (delay) {
  const source = new EventSource('/events')
  let ended = false
  source.addEventListener('open', () => { delay = 30000 })
  source.addEventListener('reflect', (e) => {
    try { showLive(JSON.parse(e.data)) } catch (err) { /* not an event: ignore */ }
  })
  source.addEventListener('end', () => { ended = true; source.close() })
  source.addEventListener('error', () => {
    if (ended || source.readyState !== EventSource.CLOSED) return
    setTimeout(() => listen(Math.min(delay * 2, 300000)), delay)
  })
}
if (document.body.dataset.events === 'on' && 'EventSource' in window) listen(30000)

// The button that asks for desktop notifications exists only for a script
// that can use the answer.
const ask = document.getElementById('reflect-notify')
if (ask && 'Notification' in window && Notification.permission === 'default') {
  ask.hidden = false
  ask.addEventListener('click', () => {
    Notification.requestPermission().then(() => { ask.hidden = true })
  })
}

// Drafts: a form with data-draft is saved there a few seconds after the
// person stops typing (the server keeps it sealed, for them alone), so
// nothing typed is lost to a closed tab or a lapsed login. Without the
// script every submit saves it instead.
for (const form of document.querySelectorAll('form[data-draft]')) {
  const status = document.getElementById('draft-status')
  let timer = null
  let saving = false
  const save = () => {
    if (saving) { timer = setTimeout(save, 1000); return }
    saving = true
    // A redirect is never a saved draft (it would be the login page).
    fetch(form.dataset.draft, {
      method: 'POST',
      body: new URLSearchParams(new FormData(form)),
      credentials: 'same-origin',
      redirect: 'manual'
    }).then((r) => r.text().then((text) => {
      if (!status) return
      const saved = r.ok && r.type !== 'opaqueredirect'
      status.textContent = saved
        ? 'Draft kept at ' + new Date().toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
        : 'Draft ' + (text.trim() || 'not kept: log in again')
    })).catch(() => {
      if (status) status.textContent = 'Draft not kept: Reflect did not answer. Keep this page open.'
    }).finally(() => { saving = false })
  }
  form.addEventListener('input', () => {
    clearTimeout(timer)
    timer = setTimeout(save, 2000)
  })
}
