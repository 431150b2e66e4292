// The IpsApi console's only script: progressive enhancement of pages that work without it.
// - <time datetime> elements show the instant in the browser's own time zone;
// - the filters apply as soon as one is chosen with the mouse, or on Enter from the keyboard;
// - Add invalidation counts the URLs as they are typed, and those kept on the confirm step;
// - Template counts its characters as they are typed;
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

    // What the server counts: URLs separated by commas or line breaks, blanks left out.
    function countUrls(text) {
        return text.split(/[,\r\n]+/).filter(function (url) { return url.trim().length > 0; }).length;
    }

    function showCount(output, count) {
        var max = parseInt(output.getAttribute('data-max'), 10);
        output.textContent = count + ' of at most ' + max + ' URLs' + (count > max ? ': ' + (count - max) + ' too many' : '');
        output.classList.toggle('over', count > max);
    }

    function liveCounts() {
        document.querySelectorAll('[data-count-chars]').forEach(function (area) {
            var output = document.getElementById(area.getAttribute('data-count-chars'));
            var max = parseInt(output.getAttribute('data-max'), 10);
            var update = function () {
                var count = area.value.length;
                output.textContent = count + ' of at most ' + max + ' characters' + (count > max ? ': ' + (count - max) + ' too many' : '');
                output.classList.toggle('over', count > max);
            };
            area.addEventListener('input', update);
            update();
        });
        document.querySelectorAll('[data-count-urls]').forEach(function (area) {
            var output = document.getElementById(area.getAttribute('data-count-urls'));
            var update = function () { showCount(output, countUrls(area.value)); };
            area.addEventListener('input', update);
            update();
        });
        document.querySelectorAll('[data-count-checked]').forEach(function (list) {
            var output = document.getElementById(list.getAttribute('data-count-checked'));
            var update = function () { showCount(output, list.querySelectorAll('input[type=checkbox]:checked').length); };
            list.addEventListener('change', update);
            update();
        });
    }

    document.addEventListener('DOMContentLoaded', function () {
        localTimes(document);
        liveCounts();

        // A choice made with the mouse applies at once. The arrow keys change a closed select's value as they go, so a
        // choice made with the keyboard applies on Enter (or with the form's button): otherwise the first arrow press
        // would load the page and the next one would find the focus gone.
        document.querySelectorAll('form[data-auto-submit] select').forEach(function (select) {
            var byKeyboard = false;
            select.addEventListener('keydown', function (event) {
                byKeyboard = true;
                if (event.key === 'Enter') {
                    event.preventDefault();
                    select.form.submit();
                }
            });
            select.addEventListener('pointerdown', function () {
                byKeyboard = false;
            });
            select.addEventListener('change', function () {
                if (!byKeyboard) {
                    select.form.submit();
                }
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
