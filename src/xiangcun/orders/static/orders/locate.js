// Checkout: "Use my current location" puts the phone's position into the hidden latitude and
// longitude fields, so the van is routed to the house and not to the village centre. The
// texts come from the page (data attributes), already in the buyer's language. Without
// JavaScript, or without a position, the form is sent as before.
(function () {
  "use strict";

  // A fix worse than this is no better than the village centre: leave it out.
  var WORST_ACCURACY_M = 1000;

  var box = document.querySelector("[data-testid='locate']");
  var form = box && box.closest("form");
  if (!box || !form || !("geolocation" in navigator)) {
    return;
  }
  var latitude = form.querySelector("input[name='latitude']");
  var longitude = form.querySelector("input[name='longitude']");
  var button = box.querySelector("button");
  var status = box.querySelector("[role='status']");
  if (!latitude || !longitude || !button || !status) {
    return;
  }

  function say(text) {
    status.textContent = text;
  }

  function failed() {
    latitude.value = "";
    longitude.value = "";
    say(box.getAttribute("data-failed"));
    button.disabled = false;
  }

  function located(position) {
    var coords = position.coords;
    if (!(coords.accuracy <= WORST_ACCURACY_M)) {
      failed();
      return;
    }
    latitude.value = coords.latitude.toFixed(6);
    longitude.value = coords.longitude.toFixed(6);
    var metres = String(Math.max(1, Math.round(coords.accuracy)));
    say(box.getAttribute("data-located").replace("{metres}", metres));
    button.disabled = false;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(box.getAttribute("data-working"));
    navigator.geolocation.getCurrentPosition(located, failed, {
      enableHighAccuracy: true,
      timeout: 20000,
      maximumAge: 60000,
    });
  });

  box.hidden = false;
})();
