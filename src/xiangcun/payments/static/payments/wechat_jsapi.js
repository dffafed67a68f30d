// Pay inside WeChat's own browser (JSAPI): open WeChat's payment sheet with the parameters the
// server signed, then go to the order page, which asks WeChat Pay itself whether the money came:
// what the sheet's callback says is only a hint. The parameters come from a JSON data block
// (Django's json_script), so the page needs no inline script.
(function () {
  "use strict";

  // Give up waiting for WeChat's bridge (not inside WeChat after all?) after this long.
  var BRIDGE_WAIT_MS = 10000;
  // The sheet's callback may never come (the buyer switched apps): look at the order after this.
  var CALLBACK_WAIT_MS = 120000;

  var panel = document.getElementById("wechat-jsapi");
  var data = document.getElementById("wechat-jsapi-params");
  if (!panel || !data) {
    return;
  }
  var params = JSON.parse(data.textContent);
  var orderUrl = panel.getAttribute("data-order-url");
  var button = panel.querySelector("button");
  var left = false;
  var callbackTimer = null;

  function toOrder() {
    if (left) {
      return;
    }
    left = true;
    window.location.assign(orderUrl);
  }

  function bridge() {
    return typeof window.WeixinJSBridge === "undefined" ? null : window.WeixinJSBridge;
  }

  function pay() {
    var jsBridge = bridge();
    if (!jsBridge) {
      return false;
    }
    button.disabled = true;
    jsBridge.invoke("getBrandWCPayRequest", params, function () {
      window.clearTimeout(callbackTimer);
      toOrder();
    });
    callbackTimer = window.setTimeout(toOrder, CALLBACK_WAIT_MS);
    return true;
  }

  button.addEventListener("click", function () {
    if (!pay()) {
      toOrder();
    }
  });

  if (!pay()) {
    var waited = window.setTimeout(toOrder, BRIDGE_WAIT_MS);
    document.addEventListener(
      "WeixinJSBridgeReady",
      function () {
        window.clearTimeout(waited);
        pay();
      },
      false
    );
  }
})();
