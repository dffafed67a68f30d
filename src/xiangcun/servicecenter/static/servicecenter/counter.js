// The counter console: choose a resident, find goods (online the storefront's search; offline the
// station's snapshot, by name, pinyin or initials), build the order, choose the payment, place.
//
// Every order goes through one queue, online or not: it is written to IndexedDB ("xc-counter",
// store "orders") with a key made here (crypto.randomUUID), then sent one at a time to the
// server with that key as Idempotency-Key. A retry after a lost answer sends the same key and
// body, so the server answers with the order it already made: never a second order or a second
// cash posting. The server's answer decides what happens to an entry:
//   200/201 JSON          sent: the order number and a link to the receipt
//   409 price_changed,    "needs your decision": the server's message per line; the agent
//   insufficient_stock,   accepts the new prices or removes the line (sent again under a NEW
//   any other 4xx JSON    key, since the body changed), sends again, or drops the order (and
//                         reads the resident the text shown)
//   401, not JSON,        kept and tried again (every few seconds and on the `online` event):
//   5xx, no network       a login page or a CSRF refusal is not the server's word on an order
// Nothing is dropped or repriced without the agent pressing a button. Every text shown comes
// from the page's data-text-* attributes, already in the reader's language.
(function () {
  "use strict";

  var root = document.querySelector("[data-counter]");
  if (!root || !window.indexedDB || !window.fetch) {
    return;
  }
  var RETRY_MS = 5000;
  var ANSWER_MS = 20000;
  var SEARCH_MS = 4000;
  var SENT_KEPT = 30;
  var RESIDENTS_KEY = "xc-counter:residents";
  var station = root.getAttribute("data-station");
  var urls = {
    page: root.getAttribute("data-url-page"),
    snapshot: root.getAttribute("data-url-snapshot"),
    search: root.getAttribute("data-url-search"),
    residents: root.getAttribute("data-url-residents"),
    orders: root.getAttribute("data-url-orders"),
    worker: root.getAttribute("data-url-worker"),
  };
  var el = function (name) {
    return root.querySelector("[data-counter-" + name + "]");
  };
  var state = {
    resident: null,
    cart: [],
    snapshot: [],
    busy: false,
    blocked: false,
    shown: "",
  };

  // ---- small helpers --------------------------------------------------------------------------

  function text(name, values) {
    var template = root.getAttribute("data-text-" + name) || "";
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return values && Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  function node(tag, className, content) {
    var item = document.createElement(tag);
    if (className) {
      item.className = className;
    }
    if (content !== undefined) {
      item.textContent = content;
    }
    return item;
  }

  function button(label, onClick, secondary) {
    var item = node("button", "button button--small" + (secondary ? " button--secondary" : ""), label);
    item.type = "button";
    item.addEventListener("click", onClick);
    return item;
  }

  function newKey() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    var bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) {
      return (b + 0x100).toString(16).slice(1);
    }).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20),
      hex.slice(20)].join("-");
  }

  // Money in fen, so 0.1 + 0.2 is never 0.30000000000000004.
  function fen(price) {
    var parts = String(price).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function yuan(amount) {
    var sign = amount < 0 ? "-" : "";
    var value = Math.abs(amount);
    return sign + Math.floor(value / 100) + "." + ("0" + (value % 100)).slice(-2);
  }

  function totalOf(lines) {
    return lines.reduce(function (sum, line) {
      return sum + fen(line.price) * line.quantity;
    }, 0);
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function withTimeout(promise, ms) {
    return new Promise(function (resolve, reject) {
      var timer = window.setTimeout(function () {
        reject(new Error("timeout"));
      }, ms);
      promise.then(function (value) {
        window.clearTimeout(timer);
        resolve(value);
      }, function (error) {
        window.clearTimeout(timer);
        reject(error);
      });
    });
  }

  function getJSON(url) {
    return withTimeout(window.fetch(url, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      redirect: "manual",
    }), SEARCH_MS).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") === -1) {
        throw new Error("not json");
      }
      return response.json();
    });
  }

  // ---- the queue in IndexedDB -----------------------------------------------------------------

  var dbReady = new Promise(function (resolve, reject) {
    var request = window.indexedDB.open("xc-counter", 1);
    request.onupgradeneeded = function () {
      var store = request.result.createObjectStore("orders", { keyPath: "key" });
      store.createIndex("queuedAt", "queuedAt");
    };
    request.onsuccess = function () {
      resolve(request.result);
    };
    request.onerror = function () {
      reject(request.error);
    };
  });

  function tx(mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        var transaction = db.transaction("orders", mode);
        var result = work(transaction.objectStore("orders"));
        transaction.oncomplete = function () {
          resolve(result && "result" in result ? result.result : result);
        };
        transaction.onerror = function () {
          reject(transaction.error);
        };
      });
    });
  }

  function allEntries() {
    return tx("readonly", function (store) {
      return store.index("queuedAt").getAll();
    }).then(function (entries) {
      return (entries || []).filter(function (entry) {
        return String(entry.station) === String(station);
      });
    });
  }

  function putEntry(entry) {
    return tx("readwrite", function (store) {
      store.put(entry);
    });
  }

  function deleteEntry(key) {
    return tx("readwrite", function (store) {
      store["delete"](key);
    });
  }

  // ---- residents ------------------------------------------------------------------------------

  // Residents chosen on this device (id, name, what tells them apart), so the console can open
  // for them offline. No ID number or full phone number is kept.
  function knownResidents() {
    try {
      var list = JSON.parse(window.localStorage.getItem(RESIDENTS_KEY) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function rememberResident(resident) {
    var list = knownResidents().filter(function (other) {
      return String(other.id) !== String(resident.id);
    });
    list.unshift(resident);
    try {
      window.localStorage.setItem(RESIDENTS_KEY, JSON.stringify(list.slice(0, 200)));
    } catch (error) {
      // full or forbidden: the resident is still chosen on this page
    }
  }

  function chooseResident(resident) {
    state.resident = resident;
    rememberResident(resident);
    var url = new URL(window.location.href);
    url.searchParams.set("resident", resident.id);
    url.searchParams["delete"]("q");
    window.history.replaceState(null, "", url.pathname + url.search);
    renderResident();
    renderCart();
  }

  function renderResident() {
    var box = el("resident");
    box.textContent = "";
    var line = node("p");
    if (state.resident) {
      line.appendChild(node("strong", "", state.resident.name));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(node("span", "", state.resident.detail || ""));
    } else {
      line.textContent = text("choose-resident");
    }
    box.appendChild(line);
  }

  function residentRows(items) {
    var list = el("residents");
    list.textContent = "";
    items.forEach(function (resident) {
      var item = node("li");
      var pick = node("button", "button button--secondary counter-pick-button", resident.name + " " + (resident.detail || ""));
      pick.type = "button";
      pick.addEventListener("click", function () {
        list.textContent = "";
        chooseResident(resident);
      });
      item.appendChild(pick);
      list.appendChild(item);
    });
  }

  function findResidents(query) {
    var url = urls.residents + "&q=" + encodeURIComponent(query);
    return getJSON(url).then(function (body) {
      return (body.items || []).map(function (row) {
        return { id: row.id, name: row.name, detail: [row.phone_masked, row.village].join(" ").trim() };
      });
    }, function () {
      var words = query.toLowerCase();
      return knownResidents().filter(function (row) {
        return (row.name + " " + (row.detail || "")).toLowerCase().indexOf(words) !== -1;
      });
    });
  }

  function startResident() {
    var fromPage = root.getAttribute("data-resident-id");
    var asked = new URL(window.location.href).searchParams.get("resident");
    if (fromPage && (!asked || asked === fromPage)) {
      chooseResident({
        id: parseInt(fromPage, 10),
        name: root.getAttribute("data-resident-name") || "",
        detail: (root.getAttribute("data-resident-detail") || "").trim(),
      });
    } else if (asked) {
      // A page kept for offline use: the resident comes from this device's list.
      var known = knownResidents().filter(function (row) {
        return String(row.id) === asked;
      })[0];
      if (known) {
        chooseResident(known);
      } else {
        el("resident").textContent = text("unknown-resident");
      }
    } else {
      renderResident();
    }
    var form = root.querySelector("[data-counter-resident-form]");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var query = form.querySelector("input[name=q]").value.trim();
      if (query) {
        findResidents(query).then(residentRows);
      }
    });
  }

  // ---- goods ----------------------------------------------------------------------------------

  function normalise(value) {
    return String(value || "").normalize("NFKC").toLowerCase();
  }

  // The snapshot's search: every word typed must be in the name, or start one of its pinyin
  // terms (full pinyin, initials, syllables), or be part of its full pinyin.
  function searchSnapshot(query) {
    var words = normalise(query).split(/\s+/).filter(Boolean);
    if (!words.length) {
      return state.snapshot.slice(0, 40);
    }
    return state.snapshot.filter(function (item) {
      var name = normalise(item.name + " " + item.variant_name);
      var terms = normalise(item.terms).split(" ");
      return words.every(function (word) {
        return name.indexOf(word) !== -1 || terms.some(function (term) {
          return term.indexOf(word) === 0 || (term.length > 3 && term.indexOf(word) !== -1);
        });
      });
    }).slice(0, 40);
  }

  function goodsRows(items) {
    var list = el("results");
    list.textContent = "";
    if (!items.length) {
      list.appendChild(node("li", "", text("no-results")));
      return;
    }
    items.forEach(function (item) {
      var row = node("li");
      row.setAttribute("data-variant", item.variant);
      if (item.photo) {
        var photo = node("img", "counter-photo");
        photo.src = item.photo;
        photo.alt = "";
        photo.width = 56;
        photo.height = 56;
        photo.loading = "lazy";
        row.appendChild(photo);
      }
      var label = node("div", "counter-item-text");
      label.appendChild(node("strong", "", item.name + " · " + item.variant_name));
      label.appendChild(node("span", "", text("price", { price: item.price, unit: item.unit })));
      label.appendChild(node("span", "", item.stock > 0 ? text("stock", { count: item.stock }) : text("no-stock")));
      row.appendChild(label);
      var add = button(text("add"), function () {
        addToCart(item);
      });
      add.setAttribute("data-testid", "add-" + item.variant);
      row.appendChild(add);
      list.appendChild(row);
    });
  }

  var searchTimer = null;
  var searchCount = 0;

  function searchGoods(query) {
    var mine = ++searchCount;
    var hint = el("goods-hint");
    var offline = function () {
      if (mine === searchCount) {
        hint.textContent = text("searching-offline");
        goodsRows(searchSnapshot(query));
      }
    };
    if (!navigator.onLine || !query) {
      if (!query) {
        hint.textContent = "";
        goodsRows(searchSnapshot(""));
        return;
      }
      offline();
      return;
    }
    getJSON(urls.search + "&q=" + encodeURIComponent(query)).then(function (body) {
      if (mine === searchCount) {
        hint.textContent = "";
        goodsRows(body.items || []);
      }
    }, offline);
  }

  function startGoods() {
    var input = el("goods-q");
    input.addEventListener("input", function () {
      window.clearTimeout(searchTimer);
      searchTimer = window.setTimeout(function () {
        searchGoods(input.value.trim());
      }, 250);
    });
    getJSON(urls.snapshot).then(function (body) {
      state.snapshot = body.items || [];
      if (!input.value.trim()) {
        goodsRows(searchSnapshot(""));
      }
    }, function () {
      state.snapshot = [];
    });
  }

  // ---- the cart -------------------------------------------------------------------------------

  function addToCart(item) {
    var line = state.cart.filter(function (other) {
      return other.variant === item.variant;
    })[0];
    if (line) {
      line.quantity = Math.min(999, line.quantity + 1);
    } else {
      state.cart.push({
        variant: item.variant,
        name: item.name + " · " + item.variant_name,
        unit: item.unit,
        price: item.price,
        quantity: 1,
      });
    }
    renderCart();
  }

  function payment() {
    var chosen = root.querySelector("input[name=payment]:checked");
    return chosen ? { value: chosen.value, label: chosen.getAttribute("data-label") } : null;
  }

  function renderCart() {
    var list = el("cart");
    list.textContent = "";
    if (!state.cart.length) {
      list.appendChild(node("li", "", text("cart-empty")));
    }
    state.cart.forEach(function (line, index) {
      var row = node("li");
      var label = node("div", "counter-item-text");
      label.appendChild(node("strong", "", line.name));
      label.appendChild(node("span", "", text("price", { price: line.price, unit: line.unit })));
      row.appendChild(label);
      var quantity = node("input");
      quantity.type = "number";
      quantity.min = "1";
      quantity.max = "999";
      quantity.inputMode = "numeric";
      quantity.value = String(line.quantity);
      quantity.setAttribute("aria-label", text("quantity", { name: line.name }));
      quantity.addEventListener("change", function () {
        var value = parseInt(quantity.value, 10);
        line.quantity = isNaN(value) ? 1 : Math.max(1, Math.min(999, value));
        renderCart();
      });
      var box = node("span", "counter-qty");
      box.appendChild(quantity);
      row.appendChild(box);
      row.appendChild(button(text("remove"), function () {
        state.cart.splice(index, 1);
        renderCart();
      }, true));
      list.appendChild(row);
    });
    el("total").textContent = "¥" + yuan(totalOf(state.cart));
    var place = el("place");
    place.disabled = !state.resident || !state.cart.length;
    el("place-hint").textContent = state.resident ? "" : text("choose-resident");
  }

  function placeOrder() {
    var chosen = payment();
    if (!state.resident || !state.cart.length || !chosen) {
      return;
    }
    var entry = {
      key: newKey(),
      station: station,
      resident: { id: state.resident.id, name: state.resident.name },
      payment: chosen.value,
      paymentLabel: chosen.label,
      lines: state.cart.map(function (line) {
        return { variant: line.variant, name: line.name, quantity: line.quantity, price: line.price };
      }),
      state: "waiting",
      queuedAt: Date.now(),
      problem: null,
      result: null,
    };
    putEntry(entry).then(function () {
      state.cart = [];
      renderCart();
      el("place-hint").textContent = text("queued");
      render();
      drain();
    });
  }

  // ---- sending ----------------------------------------------------------------------------------

  function bodyOf(entry) {
    return JSON.stringify({
      resident: entry.resident.id,
      station: parseInt(entry.station, 10),
      payment_method: entry.payment,
      lines: entry.lines.map(function (line) {
        return { variant: line.variant, quantity: line.quantity, price: line.price };
      }),
    });
  }

  // The server's word on each line it named: a new price (price_changed: details.lines, and
  // details.short for goods that also ran short), or not enough left (insufficient_stock:
  // details.lines, or details.variant_id for one line).
  function problemOf(body, entry) {
    var details = body.details || {};
    var byVariant = {};
    entry.lines.forEach(function (line) {
      byVariant[line.variant] = line;
    });
    var repriced = body.code === "price_changed" ? details.lines || [] : [];
    var short = body.code === "price_changed" ? details.short || [] : details.lines || [];
    if (!short.length && details.variant_id) {
      short = [{ variant: details.variant_id, requested: details.requested, available: details.available }];
    }
    var lines = [];
    repriced.forEach(function (changed) {
      var line = byVariant[changed.variant];
      if (line && changed.price !== undefined) {
        lines.push({
          variant: line.variant,
          price: String(changed.price),
          message: text("price-changed", { name: line.name, price: changed.price, expected: changed.expected }),
        });
      }
    });
    short.forEach(function (missing) {
      var line = byVariant[missing.variant];
      if (line) {
        lines.push({
          variant: line.variant,
          price: null,
          message: text("short", { name: line.name, available: missing.available, requested: missing.requested }),
        });
      }
    });
    return { code: String(body.code || ""), message: String(body.message || ""), lines: lines };
  }

  // Resolves "settled" (the server's verdict is recorded), "wait" (try later) or "blocked".
  function send(entry) {
    return withTimeout(window.fetch(urls.orders, {
      method: "POST",
      body: bodyOf(entry),
      headers: {
        Accept: "application/json",
        "Content-Type": "application/json",
        "Idempotency-Key": entry.key,
        "X-CSRFToken": csrfToken(),
      },
      credentials: "same-origin",
      redirect: "manual",
    }), ANSWER_MS).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var status = response.status;
      if (status === 408 || status === 429 || status >= 500) {
        return "wait";
      }
      if (response.type === "opaqueredirect" || type.indexOf("application/json") === -1 || status === 401) {
        return "blocked";
      }
      return response.json().then(function (body) {
        if (status < 300) {
          entry.state = "sent";
          entry.problem = null;
          entry.result = { number: body.number, total: body.total, receipt: body.receipt_url, created: body.created };
          entry.sentAt = Date.now();
        } else {
          entry.state = "decide";
          entry.problem = problemOf(body, entry);
        }
        return putEntry(entry).then(function () {
          return "settled";
        });
      }, function () {
        return "blocked";
      });
    }, function () {
      return "wait";
    });
  }

  function sendAll() {
    return allEntries().then(function (entries) {
      var entry = entries.filter(function (one) {
        return one.state === "waiting";
      })[0];
      if (!entry) {
        return null;
      }
      return send(entry).then(function (outcome) {
        state.blocked = outcome === "blocked";
        render();
        return outcome === "settled" ? sendAll() : null;
      });
    });
  }

  function drain() {
    if (state.busy) {
      return;
    }
    state.busy = true;
    var done = function () {
      state.busy = false;
      render();
    };
    var run = function (lock) {
      return lock === null ? null : sendAll();
    };
    var running = navigator.locks
      ? navigator.locks.request("xc-counter-send", { ifAvailable: true }, run)
      : Promise.resolve().then(run);
    running.then(done, done);
  }

  // ---- decisions --------------------------------------------------------------------------------

  // A changed order is a new request: a new key, back in the queue.
  function resend(entry, change) {
    var next = JSON.parse(JSON.stringify(entry));
    change(next);
    next.key = newKey();
    next.state = "waiting";
    next.problem = null;
    next.queuedAt = Date.now();
    return deleteEntry(entry.key).then(function () {
      if (!next.lines.length) {
        return tell(entry);
      }
      return putEntry(next);
    }).then(function () {
      render();
      drain();
    });
  }

  function tell(entry) {
    var box = el("tell");
    box.textContent = "";
    box.appendChild(node("p", "", text("tell", { resident: entry.resident.name, total: yuan(totalOf(entry.lines)) })));
    box.appendChild(button(text("told"), function () {
      box.hidden = true;
      box.textContent = "";
    }, true));
    box.hidden = false;
  }

  function decisionRow(entry) {
    var row = node("li");
    row.setAttribute("data-key", entry.key);
    var label = node("div", "counter-item-text");
    label.appendChild(node("strong", "", orderText(entry)));
    var problem = entry.problem || { lines: [], message: "" };
    if (problem.lines.length) {
      problem.lines.forEach(function (line) {
        label.appendChild(node("span", "counter-problem", line.message));
      });
    } else {
      label.appendChild(node("span", "counter-problem", problem.message));
    }
    row.appendChild(label);
    var actions = node("div", "counter-actions");
    var repriced = problem.lines.filter(function (line) {
      return line.price !== null;
    });
    if (repriced.length) {
      actions.appendChild(button(text("accept"), function () {
        resend(entry, function (next) {
          next.lines.forEach(function (line) {
            repriced.forEach(function (changed) {
              if (changed.variant === line.variant) {
                line.price = changed.price;
              }
            });
          });
        });
      }));
    }
    var namedOnce = {};
    problem.lines.forEach(function (line) {
      if (namedOnce[line.variant]) {
        return;
      }
      namedOnce[line.variant] = true;
      var named = entry.lines.filter(function (one) {
        return one.variant === line.variant;
      })[0];
      actions.appendChild(button(text("remove-line") + (named ? ": " + named.name : ""), function () {
        resend(entry, function (next) {
          next.lines = next.lines.filter(function (one) {
            return one.variant !== line.variant;
          });
        });
      }, true));
    });
    if (!problem.lines.length) {
      actions.appendChild(button(text("retry"), function () {
        entry.state = "waiting";
        entry.problem = null;
        putEntry(entry).then(function () {
          render();
          drain();
        });
      }));
    }
    actions.appendChild(button(text("drop"), function () {
      deleteEntry(entry.key).then(function () {
        tell(entry);
        render();
      });
    }, true));
    row.appendChild(actions);
    return row;
  }

  // ---- what the screen shows --------------------------------------------------------------------

  function orderText(entry) {
    var count = entry.lines.reduce(function (sum, line) {
      return sum + line.quantity;
    }, 0);
    return text("order", {
      resident: entry.resident.name,
      count: count,
      total: yuan(totalOf(entry.lines)),
      payment: entry.paymentLabel || entry.payment,
    });
  }

  function render() {
    return allEntries().then(function (entries) {
      var waiting = entries.filter(function (e) {
        return e.state === "waiting";
      });
      var decide = entries.filter(function (e) {
        return e.state === "decide";
      });
      var sent = entries.filter(function (e) {
        return e.state === "sent";
      }).sort(function (a, b) {
        return (b.sentAt || 0) - (a.sentAt || 0);
      });
      // Forget the oldest sent ones: the server has them.
      sent.slice(SENT_KEPT).forEach(function (old) {
        deleteEntry(old.key);
      });
      sent = sent.slice(0, SENT_KEPT);
      var online = navigator.onLine;
      var status = el("status");
      status.setAttribute("data-online", online ? "true" : "false");
      status.setAttribute("data-blocked", state.blocked ? "true" : "false");
      var lines = [];
      if (waiting.length) {
        lines.push(text("waiting", { count: waiting.length }));
        if (state.blocked) {
          lines.push(text("blocked"));
        }
      } else if (sent.length) {
        lines.push(text("all-sent"));
      }
      if (decide.length) {
        lines.push(text("decide", { count: decide.length }));
      }
      var signature = JSON.stringify([online, lines, entries.map(function (e) {
        return [e.key, e.state];
      })]);
      if (signature === state.shown) {
        return;
      }
      state.shown = signature;
      el("network").textContent = online ? text("online") : text("offline");
      el("sync").textContent = lines.join(" · ");

      var waitingList = el("waiting");
      waitingList.textContent = "";
      waiting.forEach(function (entry) {
        var row = node("li", "", orderText(entry));
        row.setAttribute("data-key", entry.key);
        waitingList.appendChild(row);
      });
      var decideList = el("decide");
      decideList.textContent = "";
      decideList.className = "counter-list counter-decide";
      decide.forEach(function (entry) {
        decideList.appendChild(decisionRow(entry));
      });
      var sentList = el("sent");
      sentList.textContent = "";
      sent.forEach(function (entry) {
        var row = node("li");
        row.setAttribute("data-key", entry.key);
        row.appendChild(node("span", "counter-item-text", text("sent", {
          number: entry.result.number,
          resident: entry.resident.name,
          total: entry.result.total,
        })));
        if (entry.result.receipt) {
          var link = node("a", "button button--secondary button--small", text("receipt"));
          link.href = entry.result.receipt;
          row.appendChild(link);
        }
        sentList.appendChild(row);
      });
    });
  }

  // ---- offline use ------------------------------------------------------------------------------

  // Ask the service worker to keep this page (without the resident) and the snapshot with its
  // photos; say so on the screen when it has.
  function warm(registration) {
    var worker = registration.active;
    if (!worker || !window.MessageChannel || !navigator.onLine) {
      return;
    }
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) {
      if (event.data && event.data.ok) {
        var ready = el("ready");
        ready.textContent = text("ready");
        ready.hidden = false;
        root.setAttribute("data-offline-ready", "true");
      }
    };
    var page = urls.page + (new URL(window.location.href).searchParams.get("station") ? "?station=" + station : "");
    worker.postMessage({ type: "warm", urls: [page, urls.snapshot] }, [channel.port2]);
  }

  function startWorker() {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      return;
    }
    navigator.serviceWorker.register(urls.worker, { scope: "/servicecenter/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(warm, function () {
      return null; // no worker: the console still works online, and the queue still keeps orders
    });
  }

  // ---- start ------------------------------------------------------------------------------------

  startResident();
  startGoods();
  renderCart();
  el("place").addEventListener("click", placeOrder);
  window.addEventListener("online", function () {
    render();
    drain();
  });
  window.addEventListener("offline", render);
  window.setInterval(function () {
    drain();
    render();
  }, RETRY_MS);
  render();
  drain();
  startWorker();
})();
