// The IpsApi console's only script: progressive enhancement of pages that work without it.
// - <time datetime> elements show the instant in the browser's own time zone;
// - the filters apply as soon as one changes;
// - Refresh reloads the log in place, and while any invalidation in it is still in flight the log
//   refreshes itself quietly every few seconds.
(function () {
    'use strict';

    var REFRESH_MS = 5000;
    var timer = null;

    function localTimes(root) {
        root.querySelectorAll('time[datetime]').forEach(function (element) {
            var at = new Date(element.getAttribute('datetime'));
            if (isNaN(at.getTime())) {
                return;
            }
            element.title = element.getAttribute('datetime');
            element.textContent = at.toLocaleString(undefined, {
                year: 'numeric', month: '2-digit', day: '2-digit',
                hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short'
            });
        });
    }

    function schedule() {
        var log = document.getElementById('log');
        if (timer !== null) {
            clearTimeout(timer);
            timer = null;
        }
        if (log && log.getAttribute('data-in-flight') === 'true') {
            timer = setTimeout(refresh, REFRESH_MS);
        }
    }

    function refresh() {
        var log = document.getElementById('log');
        if (!log) {
            return Promise.resolve();
        }
        log.setAttribute('aria-busy', 'true');
        return fetch(window.location.href, { credentials: 'same-origin', cache: 'no-store', headers: { 'Accept': 'text/html' } })
            .then(function (response) {
                // A session that ended sends the sign-in page: show it rather than an old log.
                if (!response.ok || new URL(response.url).pathname !== window.location.pathname) {
                    window.location.reload();
                    return null;
                }
                return response.text();
            })
            .then(function (html) {
                if (html === null) {
                    return;
                }
                var fresh = new DOMParser().parseFromString(html, 'text/html').getElementById('log');
                if (fresh) {
                    log.replaceWith(document.adoptNode(fresh));
                    localTimes(document.getElementById('log'));
                }
                schedule();
            })
            .catch(function () {
                schedule();
            })
            .finally(function () {
                var current = document.getElementById('log');
                if (current) {
                    current.removeAttribute('aria-busy');
                }
            });
    }

    document.addEventListener('DOMContentLoaded', function () {
        localTimes(document);

        document.querySelectorAll('form[data-auto-submit] select').forEach(function (select) {
            select.addEventListener('change', function () {
                select.form.submit();
            });
        });

        document.querySelectorAll('[data-refresh]').forEach(function (button) {
            button.addEventListener('click', function (event) {
                event.preventDefault();
                refresh();
            });
        });

        schedule();
    });
}());
