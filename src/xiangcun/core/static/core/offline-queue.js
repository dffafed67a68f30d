// The offline entry queue: a form marked data-offline-queue="<name>" (a career fair's entry
// screen, a trainer's attendance sheet) keeps taking entries on a weak network. Each entry gets
// its own idempotency key, waits in localStorage ("xc-offline-queue:<name>", so it survives a
// reload or a closed tab) and is sent in order, one at a time, until the server gives a verdict.
// A retry after a lost answer carries the same key, so the server answers with the record it
// already made instead of making a second one. Without JavaScript, or without localStorage,
// the form posts as usual.
//
// The server, for a POST with "Accept: application/json", answers JSON: 2xx {"id", "status",
// "duplicate"} when the entry is kept (201 new, 200 the record it already had), 4xx
// {"code", "message"} when it is refused (the entry leaves the queue, listed with the message).
// No network, no answer, 408, 429 or 5xx: the entry stays, tried again every 5 s and when the
// phone comes back online. An answer that is not JSON (the login page after a lost session, a
// CSRF refusal) also keeps the entry: it is not the server's word on it.
//
// The page writes every text, already in the reader's language, on the status element
// (data-offline-queue-status="<name>", aria-live="polite"):
//   data-text-waiting    "{count} waiting to send"
//   data-text-sent       "All sent"
//   data-text-refused    "{entry}: {message}"  (an entry the server refused, with its reason)
//   data-text-duplicate  "{entry} was already entered"  (optional)
//   data-text-blocked    "Not sent: sign in again or reload the page"  (optional)
//   data-text-clear      the label of a button that clears the refused list  (optional)
// {entry} is the value of the form's fields marked data-offline-queue-label (else its first
// text field), e.g. the applicant's name.
(function () {
  "use strict";

  var PREFIX = "xc-offline-queue:";
  var RETRY_MS = 5000; // a queued entry is tried again this often, and on the `online` event
  var ANSWER_MS = 20000; // a request with no answer by then counts as lost (it is retried)
  var REFUSED_KEPT = 50;

  // ---- Storage: every change reads the list afresh, so an entry added while another is
  // being sent (or by another tab) is never overwritten.
  function read(key) {
    try {
      var list = JSON.parse(window.localStorage.getItem(key) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (error) {
      return [];
    }
  }

  function write(key, list) {
    try {
      window.localStorage.setItem(key, JSON.stringify(list));
      return true;
    } catch (error) {
      return false; // full or forbidden
    }
  }

  function storageWorks() {
    var probe = PREFIX + "probe";
    try {
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return true;
    } catch (error) {
      return false;
    }
  }

  // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
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

  // Read at send time, not stored: after a reload or a new login the token has changed.
  function csrfToken(form) {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) {
      return decodeURIComponent(match[1]);
    }
    var input = form.querySelector("input[name='csrfmiddlewaretoken']");
    return input ? input.value : "";
  }

  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function Queue(form, name) {
    this.form = form;
    this.name = name;
    this.key = PREFIX + name;
    this.refusedKey = PREFIX + name + ":refused";
    this.status = document.querySelector(
      "[data-offline-queue-status='" + name.replace(/['\\]/g, "\\$&") + "']"
    );
    this.busy = false; // one send loop per page; Web Locks keep two tabs from both sending
    this.sentSome = false;
    this.blocked = false;
    this.duplicates = []; // shown on this page only
    this.shown = null;
  }

  Queue.prototype.text = function (attribute, fallback) {
    var value = this.status && this.status.getAttribute(attribute);
    return value === null || value === undefined ? fallback : value;
  };

  // The fields of one entry, without the CSRF token (read afresh when sending).
  Queue.prototype.take = function (submitter) {
    var form = this.form;
    var data;
    try {
      data = submitter ? new FormData(form, submitter) : new FormData(form);
    } catch (error) {
      data = new FormData(form); // browsers without the submitter argument
    }
    var fields = [];
    data.forEach(function (value, field) {
      if (field !== "csrfmiddlewaretoken" && typeof value === "string") {
        fields.push([field, value]);
      }
    });
    var marked = form.querySelectorAll("[data-offline-queue-label]");
    var parts = [];
    Array.prototype.forEach.call(marked, function (element) {
      if (element.value) {
        parts.push(element.value);
      }
    });
    if (!parts.length) {
      var first = form.querySelector("input[type='text'], input:not([type]), input[type='tel']");
      if (first && first.value) {
        parts.push(first.value);
      }
    }
    return { fields: fields, label: parts.join(" ") };
  };

  Queue.prototype.submitted = function (event) {
    var form = this.form;
    var key = newKey();
    var keyInput = form.querySelector("input[name='idempotency_key']");
    if (keyInput) {
      keyInput.value = key;
    }
    var entry = this.take(event.submitter);
    if (!keyInput) {
      entry.fields.push(["idempotency_key", key]);
    }
    entry.key = key;
    entry.action = new URL(form.getAttribute("action") || "", window.location.href).href;
    entry.queuedAt = Date.now();
    var queued = read(this.key);
    queued.push(entry);
    if (!write(this.key, queued)) {
      return; // storage full: let the browser post this one as a plain form
    }
    event.preventDefault();
    form.reset(); // ready for the next person
    var first = form.querySelector(
      "input:not([type='hidden']):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
    if (first) {
      first.focus();
    }
    this.render();
    this.drain();
  };

  Queue.prototype.drain = function () {
    if (this.busy || !read(this.key).length) {
      return;
    }
    var queue = this;
    queue.busy = true;
    var run = function (lock) {
      return lock === null ? null : queue.sendAll();
    };
    var done = function () {
      queue.busy = false;
      queue.render();
    };
    var running = navigator.locks
      ? navigator.locks.request(this.key, { ifAvailable: true }, run)
      : Promise.resolve().then(run);
    running.then(done, done);
  };

  // Send the oldest entry; on a verdict, drop it and go on; otherwise stop until the next try.
  Queue.prototype.sendAll = function () {
    var queue = this;
    var entry = read(queue.key)[0];
    if (!entry) {
      return null;
    }
    return queue.send(entry).then(function (settled) {
      if (!settled) {
        return null;
      }
      write(queue.key, read(queue.key).filter(function (other) {
        return other.key !== entry.key;
      }));
      queue.render();
      return queue.sendAll();
    });
  };

  // Resolves true when the server gave a verdict on the entry (kept or refused), false when
  // the entry must wait: no network, no answer in time, 408/429/5xx, or an answer that is not
  // the server's word on this entry (a login page, a CSRF refusal).
  Queue.prototype.send = function (entry) {
    var queue = this;
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () {
      controller.abort();
    }, ANSWER_MS) : null;
    return window.fetch(entry.action, {
      method: "POST",
      body: new URLSearchParams(entry.fields),
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken(queue.form) },
      credentials: "same-origin",
      redirect: "manual",
      signal: controller ? controller.signal : undefined,
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      var json = response.type !== "opaqueredirect" && type.indexOf("application/json") !== -1;
      var status = response.status;
      if (status === 408 || status === 429 || status >= 500) {
        return false;
      }
      if (!json) {
        queue.blocked = true; // the login page, a redirect, a CSRF refusal: keep and retry
        return false;
      }
      return response.json().then(function (body) {
        queue.blocked = false;
        if (status < 300) {
          queue.sentSome = true;
          if (body && body.duplicate === true) {
            queue.duplicates.push(entry.label);
          }
        } else {
          queue.refuse(entry, body && body.message ? String(body.message) : String(status));
        }
        return true;
      }, function () {
        queue.blocked = true;
        return false;
      });
    }, function () {
      return false; // offline, or no answer in time
    }).then(function (settled) {
      if (timer !== null) {
        window.clearTimeout(timer);
      }
      return settled;
    });
  };

  // Only the name shown and the reason are kept: not the phone or the other fields.
  Queue.prototype.refuse = function (entry, message) {
    var refused = read(this.refusedKey);
    refused.push({ label: entry.label, message: message });
    write(this.refusedKey, refused.slice(-REFUSED_KEPT));
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // Redrawn only when what it says changes, so a screen reader hears each change once.
  Queue.prototype.render = function () {
    var status = this.status;
    if (!status) {
      return;
    }
    var queue = this;
    var waiting = read(this.key).length;
    var refused = read(this.refusedKey);
    var lines = [];
    if (waiting) {
      lines.push(["notice", fill(this.text("data-text-waiting", "… {count}"), { count: waiting })]);
      if (this.blocked && this.text("data-text-blocked", "")) {
        lines.push(["message message-warning", this.text("data-text-blocked", "")]);
      }
    } else if (this.sentSome) {
      lines.push(["notice", this.text("data-text-sent", "✓")]);
    }
    this.duplicates.forEach(function (label) {
      var template = queue.text("data-text-duplicate", "");
      if (template) {
        lines.push(["message", fill(template, { entry: label })]);
      }
    });
    refused.forEach(function (item) {
      var template = queue.text("data-text-refused", "{entry}: {message}");
      lines.push(["message message-error", fill(template, {
        entry: item.label || "",
        message: item.message,
      })]);
    });
    var signature = JSON.stringify(lines);
    if (signature === this.shown) {
      return;
    }
    this.shown = signature;
    status.textContent = "";
    var list = element("ul", "messages");
    lines.forEach(function (line) {
      var item = element("li", line[0], line[1]);
      item.setAttribute("data-offline-queue-line", line[0] === "notice" ? "state" : "entry");
      list.appendChild(item);
    });
    if (lines.length) {
      status.appendChild(list);
    }
    var clearText = this.text("data-text-clear", "");
    if (refused.length && clearText) {
      var button = element("button", "button button--secondary button--small", clearText);
      button.type = "button";
      button.addEventListener("click", function () {
        write(queue.refusedKey, []);
        queue.duplicates = [];
        queue.render();
      });
      status.appendChild(button);
    }
  };

  Queue.prototype.start = function () {
    var queue = this;
    if (this.status && !this.status.hasAttribute("aria-live")) {
      this.status.setAttribute("aria-live", "polite");
    }
    this.form.addEventListener("submit", function (event) {
      queue.submitted(event);
    });
    window.addEventListener("online", function () {
      queue.drain();
    });
    window.addEventListener("storage", function (event) {
      if (event.key === queue.key || event.key === queue.refusedKey) {
        queue.render(); // another tab sent or queued
      }
    });
    window.setInterval(function () {
      queue.drain();
    }, RETRY_MS);
    this.render();
    this.drain(); // what an earlier visit left queued
  };

  if (!window.fetch || !window.URLSearchParams || !window.FormData || !storageWorks()) {
    return;
  }
  var forms = document.querySelectorAll("form[data-offline-queue]");
  Array.prototype.forEach.call(forms, function (form) {
    var name = form.getAttribute("data-offline-queue");
    // Once per form, even if a page loads the script twice: two handlers would queue each
    // entry twice, under two keys.
    if (name && !form.hasAttribute("data-offline-queue-ready")) {
      form.setAttribute("data-offline-queue-ready", "");
      new Queue(form, name).start();
    }
  });
})();
