// Patient-search page: calls GET /fhir/Patient?name= with the session token and fills the table.
// Values are inserted with textContent only, so names from the server are never parsed as HTML.
'use strict';

function displayName(patient) {
  const name = (patient.name || [])[0] || {};
  const given = (name.given || []).join(' ');
  return [given, name.family].filter(Boolean).join(' ') || name.text || '(no name)';
}

function showResults(bundle) {
  const table = document.getElementById('results');
  const body = table.querySelector('tbody');
  body.replaceChildren();
  for (const entry of bundle.entry || []) {
    const row = document.createElement('tr');
    for (const value of [displayName(entry.resource), entry.resource.gender || '', entry.resource.birthDate || '']) {
      const cell = document.createElement('td');
      cell.textContent = value;
      row.appendChild(cell);
    }
    body.appendChild(row);
  }
  table.hidden = false;
  document.getElementById('status').textContent = `${bundle.total} patient(s) found`;
}

async function search(event) {
  event.preventDefault();
  const status = document.getElementById('status');
  const token = document.getElementById('token').value;
  const name = document.getElementById('name').value.trim();
  status.textContent = 'Searching...';
  const response = await fetch(`/fhir/Patient?name=${encodeURIComponent(name)}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/fhir+json' },
  });
  const body = await response.json();
  if (!response.ok) {
    document.getElementById('results').hidden = true;
    const issue = (body.issue || [])[0] || {};
    status.textContent = `Search failed (${response.status}): ${issue.diagnostics || 'unknown error'}`;
    return;
  }
  showResults(body);
}

document.addEventListener('DOMContentLoaded', () => {
  document.getElementById('search-form').addEventListener('submit', (event) => {
    search(event).catch((err) => {
      document.getElementById('status').textContent = `Search failed: ${err.message}`;
    });
  });
});
