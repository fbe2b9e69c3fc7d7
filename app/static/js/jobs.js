/*
 * The rows of a page's jobs (app/jobs/: a plan's long export, a recompute): each a label, a
 * progress bar with the job's stage (the server's message, in the page's language), then
 * the file's download link or the error. A running job is followed (GET its URL) until it
 * ends. Text from the server is set with textContent, never parsed as HTML.
 *
 *   var rows = jobRows(box, {request, download: 'Download {file}', error: 'Failed:',
 *                            done: function (job) {…}});
 *   rows.show(job);      // a job document of the API (POST …-jobs, GET /api/v1/jobs/<id>)
 *   rows.failed(err);    // a request that failed
 */
import {AuthRedirect, el} from './parkatlas-status.js';

var POLL_MS = 1000;

export function jobRows(box, options) {
  var rows = {};  // job id -> its row

  function rowOf(job) {
    if (rows[job.id]) { return rows[job.id]; }
    var row = el('div', 'pa-job border rounded p-2 mb-2 small');
    row.dataset.job = job.id;
    row.appendChild(el('div', 'fw-semibold mb-1 pa-job-label', job.title));
    var bar = el('div', 'progress');
    bar.setAttribute('role', 'progressbar');
    bar.setAttribute('aria-valuemin', '0');
    bar.setAttribute('aria-valuemax', '100');
    bar.appendChild(el('div', 'progress-bar progress-bar-striped progress-bar-animated'));
    row.appendChild(bar);
    row.appendChild(el('div', 'text-body-secondary mt-1 pa-job-message'));
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
    var ended = row.dataset.state === 'done' || row.dataset.state === 'failed';
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
      var link = el('a', 'btn btn-sm btn-success mt-1 pa-job-download',
                         options.download.replace('{file}', job.file_name));
      link.href = job.result_url;
      row.appendChild(link);
    }
    if (job.state === 'failed') {
      row.classList.add('border-danger');
      row.querySelector('.pa-job-message').className = 'text-danger mt-1 pa-job-message';
    }
    if (job.state === 'queued' || job.state === 'running') {
      window.setTimeout(function () { follow(job.url); }, POLL_MS);
    } else if (!ended && options.done) {
      options.done(job, row);
    }
  }

  function follow(url) {
    options.request(url).then(show, failed);
  }

  function failed(err) {
    if (err instanceof AuthRedirect) { return; }
    box.prepend(el('div', 'alert alert-danger py-2 small pa-job-error',
                        options.error + ' ' + err.message));
    box.hidden = false;
  }

  return {show: show, failed: failed};
}
