// The display board: live regions from /board/live, a clock that runs between updates.
"use strict";

(function () {
  const root = document.getElementById("board-live");
  let offsetMs = 0;
  let highlightTimer = null;

  function readTime() {
    const time = document.querySelector('[data-region="time"]');
    if (!time) return;
    offsetMs = new Date(time.dataset.now).getTime() - Date.now();
    // When the highlight of the current call runs out, fetch again (the server decides).
    const left = parseFloat(time.dataset.left || "0");
    if (highlightTimer) clearTimeout(highlightTimer);
    if (left > 0) highlightTimer = setTimeout(() => live.refresh(), left * 1000 + 150);
  }

  function tick() {
    const clock = document.getElementById("clock");
    if (!clock) return;
    const now = new Date(Date.now() + offsetMs);
    const zone = document.querySelector('[data-region="time"]').dataset.tz;
    clock.textContent = now.toLocaleTimeString("zh-CN", {
      timeZone: zone, hour: "2-digit", minute: "2-digit", hour12: false,
    });
  }

  const live = window.HallLive({
    url: root.dataset.live,
    apply: (html) => { window.HallLive.applyRegions(html); readTime(); tick(); },
  });
  readTime();
  setInterval(tick, 1000);
})();
