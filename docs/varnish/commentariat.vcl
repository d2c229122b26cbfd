vcl 4.1;
# Varnish in front of Commentariat's app servers: Debian bookworm's `varnish` (7.1) and
# `varnish-modules` (vmod xkey). docs/deployment.md walks through it;
# tests/core/test_behind_varnish.py runs this very file in front of two app servers.
#
# What the app promises (and this file relies on):
# - A page every anonymous reader gets alike is answered with `Cache-Control: public, s-maxage=N`,
#   no Set-Cookie, and its purge keys in an `xkey` header (`site`, `lists`, `post-<id>`).
# - Everything else is `Cache-Control: private` (or sets a cookie): never stored here.
# - After a change commits, the app sends `PURGE /` with `xkey-purge: <keys>` to every Varnish
#   (COMMENTARIAT_PURGER=varnish, COMMENTARIAT_VARNISH_URLS), so the page is rebuilt at once.
#
# Start: varnishd -a :80 -f /etc/varnish/commentariat.vcl -s malloc,1G
# (Varnish speaks plain HTTP: terminate TLS in front of it, with hitch, nginx or the load balancer.)

import directors;
import xkey;

probe healthz {
    # 200 only while the app server's database, cache and disk are fine (core/health.py).
    .url = "/healthz";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
}

# The app servers: `commentariat serve --host 0.0.0.0 --port 8000 --no-task-worker`.
# .host_header must be one of COMMENTARIAT_ALLOWED_HOSTS, or the health probe gets a 400.
backend app1 {
    .host = "10.0.0.11";
    .port = "8000";
    .host_header = "comments.example.org";
    .probe = healthz;
}
backend app2 {
    .host = "10.0.0.12";
    .port = "8000";
    .host_header = "comments.example.org";
    .probe = healthz;
}

# Who may purge: the app servers and the task workers (they purge after every change they make).
acl purgers {
    "localhost";
    "10.0.0.0"/24;
}

sub vcl_init {
    new app_servers = directors.round_robin();
    app_servers.add_backend(app1);
    app_servers.add_backend(app2);
}

sub vcl_recv {
    unset req.http.x-cache;
    set req.backend_hint = app_servers.backend();

    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        # A hard purge: the next reader gets the page rebuilt, never the old one while it is.
        set req.http.x-purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.x-purged));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);  # comment forms, logins, the API's writes: with every cookie they carry
    }
    # A reader for whom the app makes the page: staff (Django's session; rename it here if
    # SESSION_COOKIE_NAME changes), a commenter whose held comment or remembered details it shows,
    # an edit window, a message, a post's password, a reader who just wrote while there is a read
    # replica (settings PAGE_CACHE_BYPASS_COOKIES; tests/core/test_varnish_vcl.py compares them).
    # Their requests never read the shared cache, and their answers never enter it.
    if (req.http.Cookie ~ "(^|;\s*)(sessionid|commentariat_commenter|commentariat_edits|messages|commentariat_postpass|commentariat_wrote)=") {
        return (pass);
    }
    # Staff pages and live updates (a stream, or an answer that changes every few seconds).
    if (req.url ~ "^/(admin|editor|moderation|live)/") {
        return (pass);
    }
    # Everyone else is anonymous: other cookies (analytics, csrftoken) must not split the cache,
    # nor reach the app, which would then answer as for someone in particular.
    unset req.http.Cookie;
    # Varnish's built-in vcl_recv follows: Authorization (API tokens) passes, the rest is looked up.
}

sub vcl_hash {
    # Pages carry absolute links (canonical, feeds): http and https are two different pages.
    hash_data(req.http.X-Forwarded-Proto);
}

sub vcl_hit {
    set req.http.x-cache = "hit";
}

sub vcl_miss {
    set req.http.x-cache = "miss";
}

sub vcl_pass {
    set req.http.x-cache = "pass";
}

sub vcl_backend_fetch {
    unset bereq.http.x-cache;
}

sub vcl_backend_response {
    # Stored only when the app says every reader may get it; anything private, or that sets a
    # cookie, is not (and the next request for it goes straight to an app server for two minutes:
    # Varnish's hit-for-miss).
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "private|no-store|no-cache") {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # The time to live comes from s-maxage, and the grace (served stale while one request
    # refreshes it) from stale-while-revalidate. vmod xkey indexes the object by its `xkey` header.
}

sub vcl_deliver {
    set resp.http.X-Cache = req.http.x-cache;
    # The purge keys are for caches; readers have no use for them.
    unset resp.http.xkey;
    unset resp.http.Surrogate-Key;
    unset resp.http.Cache-Tag;
}

sub vcl_synth {
    set resp.http.X-Cache = "synth";
}
