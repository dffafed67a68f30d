// What the counter console keeps on the device (used by counter.js, loaded before it): the
// residents chosen here, the snapshot search, and the queue of orders. Orders wait in
// IndexedDB ("xc-counter", store "orders", keyed by the idempotency key made here) and `send`
// posts one to the server and records its verdict on the entry:
//   "settled"  the server's word: state "sent" (result: number, total, receipt, created) or
//              "decide" (problem: code, message, and per line the new price or what is left)
//   "wait"     no network, no answer in time, 408, 429 or 5xx: try again later, same key
//   "blocked"  401, a redirect or an answer that is not JSON (a login page, a CSRF refusal):
//              not the server's word on the order; kept, and the screen asks to log in again
// A retry carries the same key and body, so the server answers the order it already made.
(function () {
  "use strict";

  var ANSWER_MS = 20000;
  var SEARCH_MS = 4000;
  var RESIDENTS_KEY = "xc-counter:residents";

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

  // The entries of one station (a supervisor's device may hold several), oldest first.
  function allEntries(station) {
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
  function problemOf(body, entry, text) {
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
  function send(entry, url, text) {
    return withTimeout(window.fetch(url, {
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
          entry.problem = problemOf(body, entry, text);
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

  // ---- residents and goods kept on the device ----------------------------------------------

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

  function normalise(value) {
    return String(value || "").normalize("NFKC").toLowerCase();
  }

  // The snapshot's search: every word typed must be in the name, or start one of its pinyin
  // terms (full pinyin, initials, syllables), or be part of its full pinyin.
  function searchSnapshot(items, query) {
    var words = normalise(query).split(/\s+/).filter(Boolean);
    if (!words.length) {
      return items.slice(0, 40);
    }
    return items.filter(function (item) {
      var name = normalise(item.name + " " + item.variant_name);
      var terms = normalise(item.terms).split(" ");
      return words.every(function (word) {
        return name.indexOf(word) !== -1 || terms.some(function (term) {
          return term.indexOf(word) === 0 || (term.length > 3 && term.indexOf(word) !== -1);
        });
      });
    }).slice(0, 40);
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


  // ---- the service worker ----------------------------------------------------------------------

  // Register the worker and ask it to keep `keep` (the page without the resident, the snapshot
  // with its photos); `ready` runs once it has. Without a worker the console still works online
  // and the queue still keeps orders.
  function startWorker(workerUrl, keep, ready) {
    if (!("serviceWorker" in navigator) || !window.isSecureContext) {
      return;
    }
    navigator.serviceWorker.register(workerUrl, { scope: "/servicecenter/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (!worker || !window.MessageChannel || !navigator.onLine) {
        return;
      }
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) {
        if (event.data && event.data.ok) {
          ready();
        }
      };
      worker.postMessage({ type: "warm", urls: keep }, [channel.port2]);
    }, function () {
      return null;
    });
  }

  window.XcCounterQueue = {
    newKey: newKey,
    fen: fen,
    yuan: yuan,
    totalOf: totalOf,
    csrfToken: csrfToken,
    withTimeout: withTimeout,
    allEntries: allEntries,
    putEntry: putEntry,
    deleteEntry: deleteEntry,
    send: send,
    knownResidents: knownResidents,
    rememberResident: rememberResident,
    searchSnapshot: searchSnapshot,
    getJSON: getJSON,
    startWorker: startWorker,
  };
})();
