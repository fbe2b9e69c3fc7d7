/*
 * The plan page's long exports (the submission package, the PDF report) run as jobs
 * (app/jobs/): a click on such a download starts one (POST /api/v1/plans/<id>/export-jobs),
 * and a row with a progress bar shows the job's stage (the server's message, in the
 * page's language) until the file is ready, then its download link; a failure shows the
 * server's message (the rows: jobs.js). The rows of this user's jobs for the plan are
 * listed again after a reload (GET /api/v1/jobs?plan=<id>), so a long export survives it. Which formats are
 * jobs is the server's decision (exporters.LONG_FORMATS): their links carry data-job.
 * Without this script the links stay direct downloads. Text from the server is set with
 * textContent, never parsed as HTML.
 */
import {fetchJson} from './http.js';
import {jobRows} from './jobs.js';
import ParkAtlas from './parkatlas-map.js';

var cfg = JSON.parse(document.getElementById('pa-plan-config').textContent).jobs;
var pa = ParkAtlas.current;
var box = document.getElementById('pa-plan-jobs');
var SHOWN = 5;  // the plan's latest jobs listed after a reload

function msg(key) { return pa.msg('plan.' + key); }

function request(url, options) {
  return fetchJson(url, Object.assign({login: pa.cfg.urls.login,
    httpError: pa.msg('error.http')}, options || {}));
}

var rows = jobRows(box, {request: request, download: msg('jobDownload'),
                         error: msg('jobError')});
var show = rows.show;
var failed = rows.failed;

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
