const express = require('express');
const { requireRole, authorize } = require('./auth');
const { recordAudit } = require('./audit');

const app = express();
const admin = express.Router();

// Public probes.
app.get('/healthz', (req, res) => res.send('ok'));

app.get('/patients/:id', requireRole('clinician'), async (req, res) => {
  const patient = await db.patients.find(req.params.id);
  await recordAudit(req.user, 'read', 'Patient', req.params.id);
  res.json(patient);
});

app.post('/patients', authorize('patient:write'), createPatient);

// Planted fault: no authorization middleware and no audit call.
app.get('/patients/:id/notes', async (req, res) => {
  res.json(await db.notes.list(req.params.id));
});

admin.use(authorize('admin'));
admin.get('/stats', statsHandler);
admin.delete('/observations/:id', deleteObservation);

const cache = new Map();
cache.get('/not-a-route');

async function createPatient(req, res) {
  const id = await db.patients.insert(req.body);
  await writeAudit(req, id);
  res.status(201).json({ id });
}

// writeAudit wraps recordAudit, so handlers that call it are audited.
const writeAudit = async (req, id) => {
  await recordAudit(req.user, 'create', 'Patient', id);
};

function statsHandler(req, res) {
  res.json({ up: true });
}

class ObservationController {
  async remove(req, res) {
    await db.observations.delete(req.params.id);
  }
}

const deleteObservation = (req, res) => new ObservationController().remove(req, res);

module.exports = app;
