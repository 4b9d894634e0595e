// The phone page (扫码取号): the phone's token kept in localStorage and the bm_phone cookie
// (a reload or the screen going off finds the same number), taps on a service take a
// number (a request id kept until the answer comes, so a retry never issues a second one),
// 取消排队 with a confirmation, the live part fetched again on every hall event, and a
// chime with vibration when this phone's number is called (once 叫号时提醒我 was tapped:
// browsers play sound only after a tap).
"use strict";

(function () {
  const STORE = "bianmin.phone";
  const COOKIE = "bm_phone";
  const PENDING_MS = 120000; // a take whose answer was lost is sent again this long after
  const MESSAGE_MS = 30000;  // how long a sentence after a tap stays up
  const words = document.getElementById("words").dataset;
  const message = document.getElementById("message");
  const chime = document.getElementById("chime");
  let busy = false;
  let remindArmed = false; // a tap on this page load unlocked the sound
  let confirming = null;   // the number whose 取消排队 asks 确定不要了吗 (kept across redraws)

  function load() {
    try { return JSON.parse(localStorage.getItem(STORE)) || {}; } catch (err) { return {}; }
  }
  function save() {
    try { localStorage.setItem(STORE, JSON.stringify(state)); } catch (err) { /* private mode */ }
  }
  function hex(bytes) {
    const buffer = new Uint8Array(bytes);
    crypto.getRandomValues(buffer);
    return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function cookieToken() {
    const found = document.cookie.match(new RegExp("(?:^|;\\s*)" + COOKIE + "=([0-9a-f]{32})"));
    return found ? found[1] : null;
  }

  const state = load();
  const fromCookie = cookieToken();
  const token = /^[0-9a-f]{32}$/.test(state.token || "") ? state.token : fromCookie || hex(16);
  state.token = token;
  state.alerted = state.alerted || [];
  save();
  document.cookie = COOKIE + "=" + token + "; path=/m; max-age=2592000; samesite=strict";

  let hideTimer = null;
  function show(text, tone) {
    message.textContent = text || "";
    message.className = "message " + (tone || "");
    message.hidden = !text;
    if (hideTimer) clearTimeout(hideTimer);
    if (text) hideTimer = setTimeout(() => show(""), MESSAGE_MS);
  }

  function remindLabel() {
    const button = document.getElementById("remind");
    if (!button) return;
    let text = words.remind;
    if (remindArmed) text = words.remindOn;
    else if (state.remind) text = words.remindAgain;
    button.textContent = text;
    button.classList.toggle("on", remindArmed);
  }

  function confirm(ticketId) {
    confirming = ticketId;
    for (const card of document.querySelectorAll(".ticket")) {
      const asking = card.dataset.ticket === confirming;
      const box = card.querySelector(".confirm");
      if (!box) continue;
      box.hidden = !asking;
      card.querySelector(".cancel").hidden = asking;
    }
  }

  // After every redraw: the reminder's label, an open 取消排队 question, and an alert for
  // a number newly called.
  function after() {
    remindLabel();
    if (confirming) confirm(document.querySelector('.ticket[data-ticket="' + confirming + '"] .confirm') ? confirming : null);
    let calledText = null;
    for (const card of document.querySelectorAll(".ticket.called")) {
      const key = card.dataset.ticket + "|" + card.dataset.call;
      calledText = words.called + " " + card.dataset.no + " → " + card.dataset.counter;
      if (state.alerted.indexOf(key) >= 0) continue;
      state.alerted = state.alerted.slice(-20).concat([key]);
      save();
      alertCalled();
    }
    document.title = calledText || words.title;
  }

  function alertCalled() {
    show(""); // what the last tap said is old news now
    const body = document.body;
    body.dataset.alerts = String(Number(body.dataset.alerts || "0") + 1);
    if (!remindArmed) return;
    chime.currentTime = 0;
    const playing = chime.play();
    if (playing && playing.catch) playing.catch(() => {});
    if (navigator.vibrate) navigator.vibrate([600, 300, 600, 300, 600]);
  }

  const live = window.HallLive({
    url: "/m/live",
    headers: () => ({ "X-Phone": token }),
    delayMs: 250,
    apply: (html) => { window.HallLive.applyRegions(html); after(); },
  });

  async function post(path, fields) {
    const answer = await fetch(path, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Phone": token },
      body: JSON.stringify(fields),
    });
    const body = await answer.json();
    if (!body.live) throw new Error("HTTP " + answer.status);
    return body;
  }

  async function act(path, fields) {
    if (busy) return;
    busy = true;
    document.body.classList.add("is-busy");
    try {
      const body = await post(path, fields);
      window.HallLive.applyRegions(body.live);
      after();
      show(body.message, body.tone);
      if (body.tone === "ok") document.body.classList.remove("show-services");
      if (path === "/m/take") { delete state.pending; save(); }
      window.scrollTo(0, 0);
    } catch (err) {
      show(words.failed, "error");
    } finally {
      busy = false;
      document.body.classList.remove("is-busy");
    }
  }

  function fresh(pending) {
    return pending && Date.now() - pending.at < PENDING_MS;
  }

  function take(service) {
    // Kept before sending: after a lost answer or a reload the same request is sent again
    // (and a second tap on the same service after a failure is the same request).
    const again = fresh(state.pending) && state.pending.service === service;
    if (!again) state.pending = { service: service, request_id: hex(16), at: Date.now() };
    save();
    act("/m/take", { service: service, request_id: state.pending.request_id });
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button || button.disabled) return;
    const card = button.closest(".ticket");
    if (button.classList.contains("service")) {
      take(button.dataset.service);
    } else if (button.id === "take-more") {
      document.body.classList.toggle("show-services");
    } else if (button.id === "remind") {
      remindArmed = !remindArmed;
      state.remind = remindArmed;
      save();
      if (remindArmed) {
        // Played now, in the tap: it unlocks the sound for later and says how it will sound.
        chime.load();
        const playing = chime.play();
        if (playing && playing.catch) playing.catch(() => {});
        if (navigator.vibrate) navigator.vibrate(200);
      }
      remindLabel();
    } else if (button.classList.contains("cancel") && card) {
      confirm(card.dataset.ticket);
    } else if (button.classList.contains("cancel-no") && card) {
      confirm(null);
    } else if (button.classList.contains("cancel-yes") && card) {
      confirm(null);
      act("/m/cancel", { ticket_id: card.dataset.ticket, request_id: hex(16) });
    }
  });

  // A take whose answer never came (the Wi-Fi dropped, the page was reloaded): ask again
  // with the same request id, which returns the number if it was issued.
  const pending = state.pending;
  if (fresh(pending)) {
    act("/m/take", { service: pending.service, request_id: pending.request_id });
  } else {
    delete state.pending;
    save();
    if (fromCookie !== token) live.refresh(); // the page was drawn without this phone's token
  }
  // A number already called when the page opens is shown, not rung again.
  for (const card of document.querySelectorAll(".ticket.called")) {
    const key = card.dataset.ticket + "|" + card.dataset.call;
    if (state.alerted.indexOf(key) < 0) state.alerted.push(key);
  }
  save();
  after();
})();
