// The hall's live link, shared by the board, the counter page and the phone page: follow
// /events, fetch the page's live part again on every event and on every reconnect, poll
// when the stream is unavailable, show the offline mark while the server is away, and
// catch up at once when a phone's screen comes back on.
// options: url, apply(html), headers() (extra request headers), delayMs (after an event).
"use strict";

window.HallLive = function (options) {
  const offline = document.getElementById("offline");
  const quietMs = 25000;        // no event nor ping for this long: the link is dead
  const pollMs = 3000;          // fallback polling interval
  let source = null;
  let lastHeard = Date.now();
  let pollTimer = null;
  let pending = null;
  let fetching = false;

  function setOffline(away) {
    if (offline) offline.hidden = !away;
    document.body.classList.toggle("is-offline", away);
  }

  async function refresh() {
    if (fetching) { schedule(150); return; }
    fetching = true;
    try {
      const answer = await fetch(options.url, {
        cache: "no-store",
        credentials: "same-origin",
        headers: options.headers ? options.headers() : {},
      });
      if (answer.status === 401) { window.location.reload(); return; }
      if (!answer.ok) throw new Error("HTTP " + answer.status);
      options.apply(await answer.text());
      setOffline(false);
    } catch (err) {
      setOffline(true);
    } finally {
      fetching = false;
    }
  }

  function schedule(ms) {
    if (pending) return;
    pending = setTimeout(() => { pending = null; refresh(); }, ms);
  }

  function startPolling() {
    if (!pollTimer) pollTimer = setInterval(refresh, pollMs);
  }

  function stopPolling() {
    if (pollTimer) { clearInterval(pollTimer); pollTimer = null; }
  }

  function connect() {
    if (source) source.close();
    source = new EventSource("/events");
    source.addEventListener("open", () => {
      lastHeard = Date.now();
      document.documentElement.dataset.link = "open";
      stopPolling();
      refresh();
    });
    for (const kind of ["hello", "change", "show", "ping"]) {
      source.addEventListener(kind, () => {
        lastHeard = Date.now();
        if (kind !== "ping" && kind !== "hello") schedule(options.delayMs || 80);
      });
    }
    source.onerror = () => {
      // The stream broke: whether the server itself is away, a fetch tells (and the mark).
      document.documentElement.dataset.link = "down";
      refresh();
      startPolling();
      if (source.readyState === EventSource.CLOSED) setTimeout(connect, 5000);
    };
  }

  // A link that went quiet without an error (a cable pulled, a sleeping switch).
  setInterval(() => {
    if (Date.now() - lastHeard > quietMs) {
      lastHeard = Date.now();
      refresh();
      startPolling();
      connect();
    }
  }, 5000);

  // A phone's screen was off (the page slept, its stream died): catch up now.
  document.addEventListener("visibilitychange", () => {
    if (document.hidden) return;
    lastHeard = Date.now();
    refresh();
    if (!source || source.readyState === EventSource.CLOSED) connect();
  });

  connect();
  return { refresh: refresh, schedule: schedule };
};

// Replace the regions of the page (elements with data-region) whose HTML changed.
window.HallLive.applyRegions = function (html) {
  const fresh = document.createElement("template");
  fresh.innerHTML = html;
  for (const region of fresh.content.querySelectorAll("[data-region]")) {
    const current = document.querySelector('[data-region="' + region.dataset.region + '"]');
    if (current && current.outerHTML !== region.outerHTML) current.replaceWith(region);
  }
};
