// The counter console's service worker (served at {{ worker_url }}, scope /servicecenter/).
// It keeps what the console needs to work with no network: the page, its script, styles and
// icons, the station's catalogue snapshot and the snapshot's small photos. Everything is
// network first (a few seconds' wait), so a station online always gets the current page and
// prices; the copy is used only when the network fails. Orders are not its business: the page
// queues them in IndexedDB and sends them itself.
"use strict";

var CACHE = "xc-counter-{{ version }}";
var PAGE = "{{ page_url }}";
var SNAPSHOT = "{{ snapshot_url }}";
var ASSETS = [{% for url in assets %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var WAIT_MS = 4000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE).then(function (cache) {
      return cache.addAll(ASSETS);
    }).then(function () {
      return self.skipWaiting();
    })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("xc-counter-") === 0 && name !== CACHE;
      }).map(function (name) {
        return caches.delete(name);
      }));
    }).then(function () {
      return self.clients.claim();
    })
  );
});

// The page without the resident or the search typed: one copy serves every resident.
function pageKey(url) {
  var parsed = new URL(url, self.location.href);
  var station = parsed.searchParams.get("station");
  return parsed.origin + parsed.pathname + (station ? "?station=" + encodeURIComponent(station) : "");
}

// The network's answer if it comes within WAIT_MS; else (or when it fails) the kept copy; with
// no copy, the network's answer whenever it comes. `fresh` sees a good answer (to keep it).
function networkFirst(request, key, fresh) {
  var network = fetch(request).then(function (response) {
    if (fresh && keepable(response)) {
      fresh(response.clone());
    }
    return response;
  });
  return new Promise(function (resolve) {
    var fallback = function () {
      fromCache(key).then(function (hit) {
        resolve(hit || network.catch(function () {
          return Response.error();
        }));
      });
    };
    var timer = setTimeout(fallback, WAIT_MS);
    network.then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function () {
      clearTimeout(timer);
      fallback();
    });
  });
}

// A page or file worth keeping: answered by us, not a login page we were sent to.
function keepable(response) {
  return response && response.ok && !response.redirected && response.type === "basic";
}

function fromCache(key) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key).then(function (hit) {
      return hit || cache.match(key, { ignoreSearch: true });
    });
  });
}

function photosOf(snapshot) {
  var urls = [];
  (snapshot.items || []).forEach(function (item) {
    if (item.photo && urls.indexOf(item.photo) === -1) {
      urls.push(item.photo);
    }
  });
  return urls;
}

// Keep the page and the snapshot (asked by the page once it is open online), and the photos.
function warm(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      return fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!keepable(response)) {
          return false;
        }
        var isPage = new URL(url, self.location.href).pathname === PAGE;
        var key = isPage ? pageKey(url) : url;
        if (isPage) {
          return cache.put(key, response).then(function () {
            return true;
          });
        }
        return response.clone().json().then(function (snapshot) {
          return cache.put(key, response).then(function () {
            var photos = photosOf(snapshot);
            return Promise.all(photos.map(function (photo) {
              return cache.match(photo).then(function (hit) {
                return hit || cache.add(photo).catch(function () {
                  return null; // a missing photo is no reason to lose the rest
                });
              });
            }));
          }).then(function () {
            return true;
          });
        });
      }).catch(function () {
        return false;
      });
    }));
  }).then(function (results) {
    return results.every(Boolean);
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "warm" || !Array.isArray(data.urls)) {
    return;
  }
  var port = event.ports && event.ports[0];
  event.waitUntil(warm(data.urls).then(function (ok) {
    if (port) {
      port.postMessage({ type: "warmed", ok: ok });
    }
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") {
    return;
  }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(networkFirst(request, pageKey(request.url)));
    return;
  }
  if (url.pathname === SNAPSHOT) {
    event.respondWith(networkFirst(request, request.url, function (copy) {
      caches.open(CACHE).then(function (cache) {
        return cache.put(request.url, copy);
      });
    }));
    return;
  }
  if (url.pathname.indexOf("{{ media_url }}") === 0) {
    // Photos do not change under their name: the kept one, else the network.
    event.respondWith(fromCache(request.url).then(function (hit) {
      return hit || fetch(request);
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(networkFirst(request, request.url));
  }
});
