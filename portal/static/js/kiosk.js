// The counter kiosk (issue 16). A touch on a face keeps the rating in the page
// (localStorage), shows the thanks at once and resets after a few seconds; the queue is sent
// in order, each rating with its own UUID, so a rating sent twice (a retry after a network
// loss) is stored once by the server. Without this script the buttons post the form.
(function () {
  "use strict";
  var main = document.getElementById("kiosk");
  if (!main) { return; }
  var form = document.getElementById("kiosk-form");
  var ask = document.getElementById("kiosk-ask");
  var thanks = document.getElementById("kiosk-thanks");
  var pending = document.getElementById("kiosk-pending");
  var officerLine = document.getElementById("kiosk-officer");
  var key = "kiosk-queue-" + main.dataset.counter;
  var RESET_MS = 4000, RETRY_MS = 5000, STATUS_MS = 60000;
  var sending = false, resetTimer = null;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(queue) { window.localStorage.setItem(key, JSON.stringify(queue)); showPending(queue); }
  function showPending(queue) {
    pending.hidden = queue.length === 0;
    pending.textContent = pending.dataset.template.replace("{n}", String(queue.length));
  }
  function newId() {
    if (window.crypto && window.crypto.randomUUID) { return window.crypto.randomUUID(); }
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function setButtons() {
    var buttons = form.querySelectorAll("button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = !main.dataset.shift; }
  }
  function showOfficer(status) {
    main.dataset.shift = status.shift ? String(status.shift) : "";
    var strong = officerLine.querySelector("[data-officer]");
    if (status.officer && strong) { strong.textContent = status.officer; }
    else if (status.officer || strong) { window.location.reload(); return; }
    setButtons();
  }

  function send() {
    var queue = load();
    if (sending || queue.length === 0) { return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams({uuid: item.uuid, overall: item.overall, shift: item.shift});
    fetch(main.dataset.post, {method: "POST", body: body, credentials: "same-origin",
                              headers: {"Accept": "application/json", "X-Kiosk": "1"}})
      .then(function (response) {
        sending = false;
        if (response.status === 403) { return; }  // unpaired: keep the ratings, stop
        // Stored (or stored before: a retry), or refused for good (422/409): done with it.
        var rest = load().filter(function (q) { return q.uuid !== item.uuid; });
        save(rest);
        if (response.ok) {
          response.json().then(function (data) { if (data && "shift" in data) { showOfficer(data); } });
        }
        send();
      })
      .catch(function () {
        sending = false;  // the network is down: try again later
        window.setTimeout(send, RETRY_MS);
      });
  }

  function reset() {
    thanks.hidden = true;
    ask.hidden = false;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = event.submitter;
    if (!button || !main.dataset.shift) { return; }
    var queue = load();
    queue.push({uuid: newId(), overall: button.value, shift: main.dataset.shift});
    save(queue);
    ask.hidden = true;
    thanks.hidden = false;
    window.clearTimeout(resetTimer);
    resetTimer = window.setTimeout(reset, RESET_MS);
    send();
  });
  window.addEventListener("online", send);
  window.setInterval(send, RETRY_MS * 2);
  window.setInterval(function () {
    fetch(main.dataset.status, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { showOfficer(data); } })
      .catch(function () {});
  }, STATUS_MS);
  showPending(load());
  send();
}());
