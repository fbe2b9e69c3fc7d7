/*
 * The dashboard's recompute (administrators only): a click starts the park's status,
 * readiness and indicator recompute as a job (POST /api/v1/recompute-jobs, app/jobs/), and
 * its row (jobs.js) shows the job's progress until it is done, then a reload link (the
 * page's figures are read when it is drawn). After a reload, the user's running
 * recomputes are followed again (GET /api/v1/jobs?active=1).
 */
import {el, fetchJson} from './parkatlas-status.js';
import {jobRows} from './jobs.js';

var cfg = JSON.parse(document.getElementById('pa-dashboard-config').textContent).recompute;
var box = document.getElementById('pa-recompute-jobs');
var button = document.getElementById('pa-recompute-start');

function request(url, options) {
  return fetchJson(url, Object.assign({login: cfg.login, httpError: cfg.httpError},
                                      options || {}));
}

var rows = jobRows(box, {
  request: request, download: cfg.download, error: cfg.error,
  done: function (job, row) {
    if (job.state !== 'done') { return; }
    var again = el('a', 'btn btn-sm btn-success mt-1 ms-2 pa-job-reload', cfg.reload);
    again.href = window.location.href;
    row.appendChild(el('span', 'text-success', cfg.done));
    row.appendChild(again);
  }
});

button.addEventListener('click', function () {
  button.disabled = true;
  request(cfg.start, {method: 'POST', body: {park: cfg.park}}).then(rows.show, rows.failed)
    .finally(function () { button.disabled = false; });
});

request(cfg.list).then(function (jobs) {
  jobs.filter(function (job) { return job.kind === 'recompute' && job.park_id === cfg.park; })
    .reverse().forEach(rows.show);
}, rows.failed);
