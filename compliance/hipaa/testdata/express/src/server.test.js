// Test files are excluded from the route scan by default.
app.get('/patients/test-only', (req, res) => res.send('x'));
