// The counter console: choose a resident, find goods (online the storefront's search; offline the
// station's snapshot, by name, pinyin or initials), build the order, choose the payment, place.
//
// Every order goes through the queue (counter-queue.js, loaded first), online or not, each with
// its own key. The server's verdict decides: sent (number, receipt link); "needs your decision"
// (price_changed, insufficient_stock or another refusal: the server's message per line; the
// agent accepts the new prices or removes a line, both sent again under a NEW key since the body
// changed, sends again, or drops the order and reads the resident the text shown); or kept and
// tried again (no network, 5xx, logged out). Nothing is dropped or repriced without the agent
// pressing a button. Every text comes from the page's data-text-* attributes, already in the
// reader's language.
(function () {
  "use strict";

  var root = document.querySelector("[data-counter]");
  var queue = window.XcCounterQueue;
  if (!root || !queue || !window.indexedDB || !window.fetch) {
    return;
  }
  var RETRY_MS = 5000;
  var SENT_KEPT = 30;
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
  var newKey = queue.newKey;
  var yuan = queue.yuan;
  var totalOf = queue.totalOf;
  var putEntry = queue.putEntry;
  var deleteEntry = queue.deleteEntry;
  var allEntries = function () {
    return queue.allEntries(station);
  };
  var send = function (entry) {
    return queue.send(entry, urls.orders, text);
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


  // ---- residents ------------------------------------------------------------------------------

  function chooseResident(resident) {
    state.resident = resident;
    queue.rememberResident(resident);
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
    return queue.getJSON(url).then(function (body) {
      return (body.items || []).map(function (row) {
        return { id: row.id, name: row.name, detail: [row.phone_masked, row.village].join(" ").trim() };
      });
    }, function () {
      var words = query.toLowerCase();
      return queue.knownResidents().filter(function (row) {
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
      var known = queue.knownResidents().filter(function (row) {
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
        goodsRows(queue.searchSnapshot(state.snapshot, query));
      }
    };
    if (!navigator.onLine || !query) {
      if (!query) {
        hint.textContent = "";
        goodsRows(queue.searchSnapshot(state.snapshot, ""));
        return;
      }
      offline();
      return;
    }
    queue.getJSON(urls.search + "&q=" + encodeURIComponent(query)).then(function (body) {
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
    queue.getJSON(urls.snapshot).then(function (body) {
      state.snapshot = body.items || [];
      if (!input.value.trim()) {
        goodsRows(queue.searchSnapshot(state.snapshot, ""));
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
  var asked = new URL(window.location.href).searchParams.get("station");
  queue.startWorker(urls.worker, [urls.page + (asked ? "?station=" + station : ""), urls.snapshot], function () {
    var ready = el("ready");
    ready.textContent = text("ready");
    ready.hidden = false;
    root.setAttribute("data-offline-ready", "true");
  });
})();
