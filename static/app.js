/* 幸福事集 — small progressive enhancements. No inline scripts (CSP); works without htmx.
 * Read-aloud (朗读): <button type="button" data-read-aloud hidden>朗读</button>
 * reads the text of <main> with the phone's own speech synthesis (nothing leaves the device).
 * Render the button with `hidden`: it is shown only when a voice for the page language exists,
 * and stays hidden with JavaScript off. Nothing here moves content on its own.
 * htmx is configured by the htmx-config meta tag; CSRF comes from hx-headers on <body>.
 * Keeping a half-filled form: the header's 长辈版 / language switches (forms marked
 * data-keeps-form) reload the page. Before they are sent, what she typed into the page's own
 * forms is put in sessionStorage (this tab only), and put back once the page comes back; then
 * it is removed. Hidden fields, passwords and files are never kept. */
(function () {
  'use strict';
  var synth = window.speechSynthesis;
  var speaking = false;

  function pageLang() {
    return /^zh/i.test(document.documentElement.lang || '') ? 'zh' : 'en';
  }

  function findVoice() {
    if (!synth || typeof synth.getVoices !== 'function') return null;
    var want = pageLang();
    var voices = synth.getVoices().filter(function (v) {
      return (v.lang || '').replace('_', '-').toLowerCase().indexOf(want) === 0;
    });
    var best = voices.filter(function (v) {
      return /^(zh-cn|zh-hans|en-gb|en-us)/i.test((v.lang || '').replace('_', '-'));
    });
    return best[0] || voices[0] || null;
  }

  function buttons() {
    return document.querySelectorAll('[data-read-aloud]');
  }

  function refresh() {
    var ok = !!(window.SpeechSynthesisUtterance && findVoice());
    Array.prototype.forEach.call(buttons(), function (b) {
      b.hidden = !ok;
      b.setAttribute('aria-pressed', speaking ? 'true' : 'false');
    });
  }

  function setSpeaking(on) {
    speaking = on;
    refresh();
  }

  function readMain() {
    var main = document.querySelector('main');
    var voice = findVoice();
    if (!main || !voice) return;
    synth.cancel();
    // Speak paragraph by paragraph: some browsers stop long utterances part-way.
    var parts = (main.innerText || main.textContent || '').split(/\n+/).map(function (s) {
      return s.trim();
    }).filter(Boolean);
    parts.forEach(function (text, i) {
      var u = new window.SpeechSynthesisUtterance(text);
      u.voice = voice;
      u.lang = (voice.lang || '').replace('_', '-');
      u.rate = 0.9;
      if (i === parts.length - 1) u.onend = u.onerror = function () { setSpeaking(false); };
      synth.speak(u);
    });
    setSpeaking(parts.length > 0);
  }

  document.addEventListener('click', function (e) {
    var btn = e.target.closest ? e.target.closest('[data-read-aloud]') : null;
    if (!btn || !synth) return;
    e.preventDefault();
    if (speaking) { synth.cancel(); setSpeaking(false); } else { readMain(); }
  });

  if (synth) {
    if (typeof synth.addEventListener === 'function') synth.addEventListener('voiceschanged', refresh);
    window.addEventListener('pagehide', function () { synth.cancel(); });
  }
  // --- keep a half-filled form across the 长辈版 / language switch -------------------------
  var KEEP = 'hf-kept-form';
  var SKIP = /^(hidden|password|file|submit|button|reset|image)$/;

  function pageForms() {
    return Array.prototype.filter.call(document.querySelectorAll('main form'), function (f) {
      return !f.closest('[data-keeps-form]');
    });
  }

  function keptFields(form) {
    var out = [];
    var changed = false;
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP.test(el.type || '') || el.disabled) return;
      if (el.type === 'checkbox' || el.type === 'radio') {
        out.push({ name: el.name, value: el.value, checked: el.checked });
        if (el.checked !== el.defaultChecked) changed = true;
      } else if (el.tagName === 'SELECT') {
        out.push({ name: el.name, value: el.value });
        Array.prototype.forEach.call(el.options, function (o) {
          if (o.selected !== o.defaultSelected) changed = true;
        });
      } else {
        out.push({ name: el.name, value: el.value });
        if (el.value !== el.defaultValue) changed = true;
      }
    });
    return changed ? out : null;
  }

  function saveForms() {
    if (!window.sessionStorage) return;
    var forms = pageForms().map(keptFields);
    if (!forms.some(Boolean)) return;
    try {
      sessionStorage.setItem(KEEP, JSON.stringify({ path: location.pathname + location.search, forms: forms }));
    } catch (err) { /* private mode or full: the switch still works */ }
  }

  function restoreForms() {
    var saved = null;
    try {
      saved = window.sessionStorage && JSON.parse(sessionStorage.getItem(KEEP) || 'null');
      if (saved) sessionStorage.removeItem(KEEP);
    } catch (err) { return; }
    if (!saved || saved.path !== location.pathname + location.search) return;
    var forms = pageForms();
    (saved.forms || []).forEach(function (fields, i) {
      var form = forms[i];
      if (!fields || !form) return;
      fields.forEach(function (f) {
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.name !== f.name || SKIP.test(el.type || '')) return;
          if (el.type === 'checkbox' || el.type === 'radio') {
            if (el.value === f.value) el.checked = f.checked;
          } else {
            el.value = f.value;
          }
        });
      });
    });
  }

  document.addEventListener('submit', function (e) {
    if (e.target.closest && e.target.closest('[data-keeps-form]')) saveForms();
  });

  // --- a print button (the certificate): shown only with JavaScript, prints the page ---------
  function showPrintButtons() {
    if (typeof window.print !== 'function') return;
    Array.prototype.forEach.call(document.querySelectorAll('[data-print]'), function (b) { b.hidden = false; });
  }
  document.addEventListener('click', function (e) {
    var btn = e.target.closest ? e.target.closest('[data-print]') : null;
    if (!btn) return;
    e.preventDefault();
    window.print();
  });

  document.addEventListener('htmx:load', refresh); // buttons inside swapped content
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', showPrintButtons);
    document.addEventListener('DOMContentLoaded', refresh);
    document.addEventListener('DOMContentLoaded', restoreForms);
  } else {
    showPrintButtons();
    refresh();
    restoreForms();
  }
})();
