/*
 * The plan page's long exports (the submission package, the PDF report) run as jobs
 * (app/jobs/): a click on such a download starts one (POST /api/v1/plans/<id>/export-jobs),
 * and a row with a progress bar shows the job's stage (the server's message, in the
 * page's language) until the file is ready, then its download link; a failure shows the
 * server's message. The rows of this user's jobs for the plan are listed again after a
 * reload (GET /api/v1/jobs?plan=<id>), so a long export survives it. Which formats are
 * jobs is the server's decision (exporters.LONG_FORMATS): their links carry data-job.
 * Without this script the links stay direct downloads. Text from the server is set with
 * textContent, never parsed as HTML.
 */
import {AuthRedirect, fetchJson} from './http.js';
import ParkAtlas from './parkatlas-map.js';

var cfg = JSON.parse(document.getElementById('pa-plan-config').textContent).jobs;
var pa = ParkAtlas.current;
var box = document.getElementById('pa-plan-jobs');
var POLL_MS = 1000;
var SHOWN = 5;  // the plan's latest jobs listed after a reload
var rows = {};  // job id -> its row

function msg(key) { return pa.msg('plan.' + key); }

function request(url, options) {
  return fetchJson(url, Object.assign({login: pa.cfg.urls.login,
    httpError: pa.msg('error.http')}, options || {}));
}

function element(tag, className, text) {
  var el = document.createElement(tag);
  if (className) { el.className = className; }
  if (text !== undefined) { el.textContent = text; }
  return el;
}

/** The row of a job: its label, a progress bar with the stage, then a link or an error. */
function rowOf(job) {
  if (rows[job.id]) { return rows[job.id]; }
  var row = element('div', 'pa-job border rounded p-2 mb-2 small');
  row.dataset.job = job.id;
  row.appendChild(element('div', 'fw-semibold mb-1 pa-job-label', job.title));
  var bar = element('div', 'progress');
  bar.setAttribute('role', 'progressbar');
  bar.setAttribute('aria-valuemin', '0');
  bar.setAttribute('aria-valuemax', '100');
  bar.appendChild(element('div', 'progress-bar progress-bar-striped progress-bar-animated'));
  row.appendChild(bar);
  row.appendChild(element('div', 'text-body-secondary mt-1 pa-job-message'));
  box.prepend(row);
  box.hidden = false;
  rows[job.id] = row;
  return row;
}

function show(job) {
  var row = rowOf(job);
  var bar = row.querySelector('.progress');
  var fill = bar.firstChild;
  var percent = job.state === 'done' ? 100 : job.progress.percent;
  row.dataset.state = job.state;
  bar.setAttribute('aria-valuenow', String(percent));
  fill.style.width = percent + '%';
  fill.textContent = percent + '%';
  row.querySelector('.pa-job-message').textContent = job.message;
  if (job.state === 'done' || job.state === 'failed') {
    fill.classList.remove('progress-bar-striped', 'progress-bar-animated');
    fill.classList.add(job.state === 'done' ? 'bg-success' : 'bg-danger');
  }
  if (job.state === 'done' && job.result_url && !row.querySelector('a')) {
    var link = element('a', 'btn btn-sm btn-success mt-1 pa-job-download',
                       msg('jobDownload').replace('{file}', job.file_name));
    link.href = job.result_url;
    row.appendChild(link);
  }
  if (job.state === 'failed') {
    row.classList.add('border-danger');
    row.querySelector('.pa-job-message').className = 'text-danger mt-1 pa-job-message';
  }
  if (job.state === 'queued' || job.state === 'running') {
    window.setTimeout(function () { follow(job.url); }, POLL_MS);
  }
}

function follow(url) {
  request(url).then(function (job) { show(job); }, failed);
}

function failed(err) {
  if (err instanceof AuthRedirect) { return; }
  var row = element('div', 'alert alert-danger py-2 small pa-job-error',
                    msg('jobError') + ' ' + err.message);
  box.prepend(row);
  box.hidden = false;
}

function start(link) {
  var body = {format: link.dataset.format, lang: cfg.lang};
  if (cfg.version) { body.version = cfg.version; }
  if (link.dataset.encoding) { body.encoding = link.dataset.encoding; }
  link.classList.add('disabled');
  request(cfg.start, {method: 'POST', body: body}).then(function (job) {
    show(job);
  }, failed).finally(function () { link.classList.remove('disabled'); });
}

document.querySelectorAll('#pa-plan-exports a[data-job]').forEach(function (link) {
  link.addEventListener('click', function (event) {
    event.preventDefault();
    start(link);
  });
});

// after a reload: the plan's latest jobs of this user, the running ones followed again
request(cfg.list).then(function (jobs) {
  jobs.slice(0, SHOWN).reverse().forEach(function (job) { show(job); });
}, failed);
