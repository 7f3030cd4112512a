const log = require("pino")();

function ingest(record) {
  log.info({ mrn: record.mrn }, "ingested");
  log.info({ id: record.id }, "ingested");
  log.debug(`patient ${record.patient.lastName} merged`);
  console.log("batch size", record.items.length);
}

module.exports = {
  phone10: "(212) 827-4719", // contact phone
  phone11: "(837) 897-6279", // contact phone
  phone12: "(773) 591-3968", // contact phone
  phone13: "(501) 313-0357", // contact phone
  phone14: "(492) 700-9509", // contact phone
  phone15: "(262) 360-2384", // contact phone
  fallbackPhone: "709-555-0157",
  supportEmail: "support@example.com",
  version: "12.4.1",
  retryDelaysMs: [100, 250, 1000, 5000],
};
