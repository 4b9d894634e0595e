// The counter page: presses post to /counter/act (CSRF header, a fresh request id),
// the answer's sentence and panel replace the old ones; keys 0-9 press the buttons;
// the same key or button pressed again within 3 s (a double tap) is ignored.
"use strict";

(function () {
  const csrf = document.querySelector('meta[name="csrf"]').content;
  const panel = document.getElementById("panel");
  const message = document.getElementById("message");
  const offlineText = document.getElementById("offline").textContent;
  const REPEAT_MS = 3000;
  let last = { slot: null, at: 0 };
  let busy = false;
  let stale = false;

  function requestId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function show(text, tone) {
    message.textContent = text;
    message.className = "message " + (tone || "");
  }

  function dialogOpen() {
    return document.querySelector("dialog[open]") !== null;
  }

  // Replace the panel only when it changed, so a button is not swapped under a finger.
  function setPanel(html) {
    const fresh = document.createElement("template");
    fresh.innerHTML = html;
    if (fresh.innerHTML !== panel.innerHTML) panel.innerHTML = fresh.innerHTML;
    stale = false;
  }

  async function act(action, fields, slot) {
    const now = Date.now();
    slot = slot || action;
    if (busy || (last.slot === slot && now - last.at < REPEAT_MS)) return;
    last = { slot: slot, at: now };
    busy = true;
    document.body.classList.add("is-busy");
    try {
      const answer = await fetch("/counter/act", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(Object.assign({ action: action, request_id: requestId() }, fields)),
      });
      if (answer.status === 401 || answer.status === 403) { window.location.reload(); return; }
      const body = await answer.json();
      show(body.message, body.tone);
      setPanel(body.panel);
    } catch (err) {
      show(offlineText, "error");
    } finally {
      busy = false;
      document.body.classList.remove("is-busy");
    }
  }

  function closeDialogs() {
    for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
    if (stale) live.refresh();
  }

  panel.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    if (button.classList.contains("close")) { closeDialogs(); return; }
    if (button.dataset.dialog) {
      const dialog = document.getElementById(button.dataset.dialog);
      if (dialog) dialog.showModal();
      return;
    }
    if (!button.dataset.action) return;
    const fields = {
      ticket_no: button.dataset.ticket || "",
      service_code: button.dataset.service || "",
    };
    const slot = button.dataset.key || button.dataset.action;
    closeDialogs();
    act(button.dataset.action, fields, slot);
  });

  panel.addEventListener("submit", (event) => {
    const form = event.target.closest("form.chosen");
    if (!form) return;
    event.preventDefault();
    const data = new FormData(form);
    closeDialogs();
    act(form.dataset.action, {
      ticket_no: String(data.get("ticket_no") || "").trim(),
      reason: String(data.get("reason") || ""),
    });
  });

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.altKey || event.metaKey || dialogOpen()) return;
    const tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select") return;
    const button = panel.querySelector('#buttons button[data-key="' + event.key + '"]');
    if (button && !button.disabled) {
      event.preventDefault();
      button.click();
    }
  });

  const live = window.HallLive({
    url: "/counter/panel",
    apply: (html) => {
      if (busy || dialogOpen()) { stale = true; return; }
      setPanel(html);
    },
  });
})();
