package phi

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Short names for labels; a "~" suffix marks a synthetic value.
const (
	lSSN   = RuleSSN
	lMBI   = RuleMBI
	lNPI   = RuleNPI
	lDEA   = RuleDEA
	lCard  = RuleCard
	lMRN   = RuleMRN
	lDOB   = RuleDOB
	lPhone = RulePhone
	lEmail = RuleEmail
	lAddr  = RuleAddress
	lName  = RuleName
	lICD   = RuleICD
	lPID   = RuleHL7PID
	lFHIR  = RuleFHIRPatient
	lLog   = RuleLogExposure
	lPath  = RulePath
)

func syn(rule string) string { return rule + "~" }

// buildCorpus returns every corpus file with its labels.
func buildCorpus() []*corpusFile {
	g := gen{r: rand.New(rand.NewPCG(2026, 4))}
	return []*corpusFile{
		goService(g), tsIntake(g), jsIngest(g), javaController(g), pythonETL(g),
		jsonFixture(g), yamlFixture(g), patientsCSV(g), claimsCSV(g), seedSQL(g),
		hl7Messages(g), fhirBundle(g), syntheaBundle(g), appLog(g), nearMisses(g), notesMarkdown(g),
		exportText(g), namedExport(g), datedReport(g),
	}
}

func goService(g gen) *corpusFile {
	f := &corpusFile{path: "code/patient_service.go"}
	f.add("package patients")
	f.add("")
	f.add(`import (`)
	f.add(`	"fmt"`)
	f.add(`	"log"`)
	f.add(`	"log/slog"`)
	f.add(`	"time"`)
	f.add(`)`)
	f.add("")
	f.add("// Listen port and timeouts for the intake service.")
	f.add("const listenAddr = \":8443\"")
	f.add("const requestTimeout = 30 * time.Second")
	f.add("const schemaVersion = \"4.0.1\"")
	f.add("")
	f.add("func (s *Service) Admit(p *Patient) error {")
	f.add(`	log.Printf("admitting patient %s", p.ID)`)
	f.add(`	log.Printf("admitting patient with ssn %s", p.SSN)`, lLog)
	f.add(`	slog.Info("admitted", "mrn", p.MRN)`, lLog)
	f.add(`	slog.Info("admitted", "mrn", mask(p.MRN))`)
	f.add(`	fmt.Println("patient record", patient)`, lLog)
	f.add(`	s.logger.Debugf("dob=%s", p.DateOfBirth)`, lLog)
	f.add(`	s.logger.Debugf("dob=%s", redact(p.DateOfBirth))`)
	f.add(`	s.logger.Infof("visit count %d for %s", p.VisitCount, p.ID)`)
	f.add(`	return fmt.Errorf("admit %s: %w", p.ID, errNoBed)`)
	f.add("}")
	f.add("")
	f.add("var fixturePatients = []Patient{")
	for i := 0; i < 12; i++ {
		first, last := g.first(), g.last()
		f.add(fmt.Sprintf(`	{ID: "%s", FirstName: "%s", LastName: "%s",`, g.uuid(), first, last), lName, lName)
		f.add(fmt.Sprintf(`		SSN: "%s", DOB: "%s", Phone: "%s",`, g.ssn("-"), g.dobISO(), g.phone()), lSSN, lDOB, lPhone)
		f.add(fmt.Sprintf(`		MBI: "%s", Email: "%s"},`, g.mbi(), g.email(first, last)), lMBI, lEmail)
	}
	f.add(fmt.Sprintf(`	{ID: "%s", FirstName: "John", LastName: "Doe", SSN: "%s"},`, g.uuid(), g.synthSSN()), lName, lName, syn(lSSN))
	f.add("}")
	f.add("")
	f.add(fmt.Sprintf(`var buildCommit = "%s"`, g.sha()))
	f.add(fmt.Sprintf(`var startedAt = time.Unix(%d, 0)`, 1700000000+g.r.IntN(90000000)))
	f.add("")
	f.add(fmt.Sprintf(`const prescriberNPI = "%s"`, g.npi()), lNPI)
	f.add(fmt.Sprintf(`const prescriberDEA = "%s"`, g.dea()), lDEA)
	f.add(fmt.Sprintf(`const testCard = "%s" // processor sandbox number`, "4242424242424242"), syn(lCard))
	return f
}

func tsIntake(g gen) *corpusFile {
	f := &corpusFile{path: "code/intake.ts"}
	f.add(`import { logger } from "./logger";`)
	f.add(`import { mask } from "./privacy";`)
	f.add("")
	f.add("export interface Patient { firstName: string; lastName: string; ssn: string; dateOfBirth: string }")
	f.add("")
	f.add("export function register(patient: Patient, requestId: string): void {")
	f.add("  console.log(`registering ${patient.firstName} ${patient.lastName}`);", lLog)
	f.add("  console.log(`request ${requestId} accepted`);")
	f.add("  logger.info(\"ssn received\", patient.ssn);", lLog)
	f.add("  logger.info(\"ssn received\", mask(patient.ssn));")
	f.add("  logger.warn(`dob ${mask(patient.dateOfBirth)} outside range`);")
	f.add("  console.error(\"failed to save\", patient);", lLog)
	f.add("  console.debug(\"retry in\", 250, \"ms on port\", 5432);")
	f.add("}")
	f.add("")
	f.add("export const demoPatients: Patient[] = [")
	for i := 0; i < 10; i++ {
		f.add(fmt.Sprintf(`  { firstName: "%s", lastName: "%s", ssn: "%s", dateOfBirth: "%s" },`, g.first(), g.last(), g.ssn("-"), g.dobISO()),
			lName, lName, lSSN, lDOB)
	}
	f.add(fmt.Sprintf(`  { firstName: "Jane", lastName: "Doe", ssn: "%s", dateOfBirth: "%s" },`, g.synthSSN(), g.dobISO()),
		lName, lName, syn(lSSN), lDOB)
	f.add("];")
	f.add(fmt.Sprintf(`export const cardOnFile = "%s";`, groupCard(g.card("visa"), " ")), lCard)
	f.add(fmt.Sprintf(`export const orderNumber = "ORD-%s";`, g.digits(10)))
	f.add(fmt.Sprintf(`export const traceId = "%s";`, g.uuid()))
	return f
}

func jsIngest(g gen) *corpusFile {
	f := &corpusFile{path: "code/ingest.js"}
	f.add(`const log = require("pino")();`)
	f.add("")
	f.add("function ingest(record) {")
	f.add("  log.info({ mrn: record.mrn }, \"ingested\");", lLog)
	f.add("  log.info({ id: record.id }, \"ingested\");")
	f.add("  log.debug(`patient ${record.patient.lastName} merged`);", lLog)
	f.add("  console.log(\"batch size\", record.items.length);")
	f.add("}")
	f.add("")
	f.add("module.exports = {")
	for i := 0; i < 6; i++ {
		f.add(fmt.Sprintf(`  phone${i}: "%s", // contact phone`, parenPhone(g.phone())), lPhone)
	}
	f.add(fmt.Sprintf(`  fallbackPhone: "%s",`, g.synthPhone()), syn(lPhone))
	f.add(fmt.Sprintf(`  supportEmail: "support@%s",`, "example.com"), syn(lEmail))
	f.add(`  version: "12.4.1",`)
	f.add(`  retryDelaysMs: [100, 250, 1000, 5000],`)
	f.add("};")
	// The backtick template above uses ${i} literally; make it unique.
	for i := range f.lines {
		f.lines[i] = strings.Replace(f.lines[i], "phone${i}", fmt.Sprintf("phone%d", i), 1)
	}
	return f
}

func javaController(g gen) *corpusFile {
	f := &corpusFile{path: "code/PatientController.java"}
	f.add("package org.hospital.intake;")
	f.add("")
	f.add("import org.slf4j.Logger;")
	f.add("import org.slf4j.LoggerFactory;")
	f.add("")
	f.add("public class PatientController {")
	f.add("    private static final Logger LOG = LoggerFactory.getLogger(PatientController.class);")
	f.add("    private static final int MAX_RETRIES = 3;")
	f.add("")
	f.add("    public void admit(Patient patient) {")
	f.add("        LOG.info(\"admitting {}\", patient.getSsn());", lLog)
	f.add("        LOG.info(\"admitting {}\", Privacy.mask(patient.getSsn()));")
	f.add("        LOG.debug(\"record id {}\", patient.getId());")
	f.add("        System.out.println(\"dob: \" + patient.getDateOfBirth());", lLog)
	f.add("        logger.error(\"cannot admit \" + patient);", lLog)
	f.add("    }")
	f.add("")
	for i := 0; i < 8; i++ {
		f.add(fmt.Sprintf("    static final String SAMPLE_MBI_%d = \"%s\";", i, dashMBI(g.mbi())), lMBI)
	}
	f.add(fmt.Sprintf("    static final String CMS_EXAMPLE_MBI = \"%s\";", "1EG4-TE5-MK73"), syn(lMBI))
	for i := 0; i < 6; i++ {
		f.add(fmt.Sprintf("    static final String DEA_%d = \"%s\";", i, g.dea()), lDEA)
	}
	f.add(fmt.Sprintf("    static final String BAD_DEA = \"%s\";", g.badDEA()))
	f.add(fmt.Sprintf("    static final long CREATED = %dL;", int64(1700000000000)+g.r.Int64N(9e10)))
	f.add("}")
	return f
}

func pythonETL(g gen) *corpusFile {
	f := &corpusFile{path: "code/etl.py"}
	f.add("import logging")
	f.add("")
	f.add("logger = logging.getLogger(__name__)")
	f.add("")
	f.add("def load(patient, batch_id):")
	f.add("    logger.info(\"loading batch %s\", batch_id)")
	f.add("    logger.info(\"loading %s\", patient.ssn)", lLog)
	f.add("    logger.info(f\"loaded {patient.first_name} {patient.last_name}\")", lLog)
	f.add("    logger.info(f\"loaded {redact(patient.first_name)}\")")
	f.add("    print(\"patient\", patient)", lLog)
	f.add("    print(\"rows\", len(patient.visits))")
	f.add("    logging.warning(\"member id %s missing\", patient.member_id)", lLog)
	f.add("")
	f.add("FIXTURES = [")
	for i := 0; i < 10; i++ {
		f.add(fmt.Sprintf(`    {"mrn": "%s", "member_id": "%s", "dob": "%s", "npi": "%s"},`, g.mrn(), g.member(), g.dobUS(), g.npi()),
			lMRN, lMRN, lDOB, lNPI)
	}
	f.add("]")
	f.add(fmt.Sprintf(`BAD_NPI = {"npi": "%s"}`, g.badNPI()))
	f.add(fmt.Sprintf(`AMEX = "%s"  # card on file`, groupCard(g.card("amex"), " ")), lCard)
	f.add(fmt.Sprintf(`DISCOVER = "%s"`, g.card("discover")), lCard)
	f.add(fmt.Sprintf(`NOT_A_CARD = "%s"  # card that fails Luhn`, groupCard(g.badCard(), " ")))
	f.add(`TIMEOUT_SECONDS = 3600`)
	return f
}

func jsonFixture(g gen) *corpusFile {
	f := &corpusFile{path: "fixtures/patients.json"}
	f.add("{")
	f.add(`  "schemaVersion": "2.3.0",`)
	f.add(`  "generatedAt": "2025-11-02T10:15:00Z",`)
	f.add(`  "patients": [`)
	for i := 0; i < 10; i++ {
		first, last := g.first(), g.last()
		f.add("    {")
		f.add(fmt.Sprintf(`      "id": "%s",`, g.uuid()))
		f.add(fmt.Sprintf(`      "name": "%s %s",`, first, last), lName)
		f.add(fmt.Sprintf(`      "ssn": "%s",`, g.ssn(g.pick("-", "", " "))), lSSN)
		f.add(fmt.Sprintf(`      "birthDate": "%s",`, g.dobISO()), lDOB)
		f.add(fmt.Sprintf(`      "mrn": "%s",`, g.mrn()), lMRN)
		f.add(fmt.Sprintf(`      "email": "%s",`, g.email(first, last)), lEmail)
		f.add(fmt.Sprintf(`      "address": "%s, %s",`, g.street(), g.city()), lAddr)
		f.add(fmt.Sprintf(`      "diagnosis": "%s",`, g.icd()), lICD)
		f.add(fmt.Sprintf(`      "visits": %d,`, g.r.IntN(40)))
		f.add(fmt.Sprintf(`      "updated": "%s"`, "2025-10-"+fmt.Sprintf("%02d", 1+g.r.IntN(28))))
		if i == 9 {
			f.add("    }")
		} else {
			f.add("    },")
		}
	}
	f.add("  ]")
	f.add("}")
	return f
}

func yamlFixture(g gen) *corpusFile {
	f := &corpusFile{path: "fixtures/patients.yaml"}
	f.add("# Seed data for the scheduling service integration tests.")
	f.add("service:")
	f.add("  name: Scheduling API")
	f.add("  port: 8080")
	f.add("  version: 3.14.2")
	f.add("patients:")
	for i := 0; i < 8; i++ {
		first, last := g.first(), g.last()
		f.add(fmt.Sprintf("  - name: %s %s", first, last), lName)
		f.add(fmt.Sprintf("    dob: %s", g.dobISO()), lDOB)
		f.add(fmt.Sprintf("    phone: \"%s\"", g.phone()), lPhone)
		f.add(fmt.Sprintf("    address: %s", g.street()), lAddr)
		f.add(fmt.Sprintf("    medicare_id: %s", g.mbi()), lMBI)
		f.add(fmt.Sprintf("    appointment: 2025-12-%02dT09:30:00Z", 1+g.r.IntN(28)))
	}
	f.add("  - name: Test Patient")
	f.add(fmt.Sprintf("    phone: \"%s\"", g.synthPhone()), syn(lPhone))
	f.add(fmt.Sprintf("    email: test.patient@%s", "example.org"), syn(lEmail))
	f.add("providers:")
	for i := 0; i < 5; i++ {
		f.add(fmt.Sprintf("  - npi: \"%s\"", g.npi()), lNPI)
		f.add(fmt.Sprintf("    dea: %s", g.dea()), lDEA)
	}
	f.add("  - npi: \"1234567893\"", syn(lNPI))
	return f
}

func patientsCSV(g gen) *corpusFile {
	f := &corpusFile{path: "data/patients.csv"}
	f.add("patient_id,first_name,last_name,ssn,dob,phone,email,street_address,member_id,visit_count")
	for i := 0; i < 40; i++ {
		first, last := g.first(), g.last()
		f.add(fmt.Sprintf("%d,%s,%s,%s,%s,%s,%s,\"%s\",%s,%d", 1000+i, first, last, g.ssn(g.pick("-", "")), g.dobUS(),
			g.phone(), g.email(first, last), g.street(), g.member(), g.r.IntN(30)),
			lName, lName, lSSN, lDOB, lPhone, lEmail, lAddr, lMRN)
	}
	f.add(fmt.Sprintf("2000,Jacinto644,Kris249,%s,%s,%s,jk@example.com,\"%s\",%s,1", g.synthSSN(), g.dobUS(), g.synthPhone(), g.street(), g.member()),
		syn(lName), syn(lName), syn(lSSN), lDOB, syn(lPhone), syn(lEmail), lAddr, lMRN)
	f.add(fmt.Sprintf("2001,Nobody,Here,%s,13/45/1990,,,,,0", g.invalidSSN()), lName, lName)
	return f
}

// exportText is a patient export saved as plain text: labelled lines, then
// delimiter-separated tables whose header rows name the columns, and
// tables and prose that must stay quiet.
func exportText(g gen) *corpusFile {
	f := &corpusFile{path: "exports/ward-export.txt"}
	f.add(fmt.Sprintf("Patient MRN %s DOB %s", g.digits(6), g.dobUS()), lMRN, lDOB)
	f.add("name,dob,ssn")
	for i := 0; i < 5; i++ {
		f.add(fmt.Sprintf("%s,%s,%s", g.name(), g.dobISO(), g.ssn("")), lName, lDOB, lSSN)
	}
	f.add("")
	f.add("Family Name\tDate of Birth\tHome Phone")
	for i := 0; i < 3; i++ {
		f.add(fmt.Sprintf("%s\t%s\t%s", g.last(), g.dobUS(), g.phone()), lName, lDOB, lPhone)
	}
	f.add("")
	f.add("| mrn | bed |")
	f.add("| --- | --- |")
	f.add(fmt.Sprintf("| %s | %d |", g.mrn(), 1+g.r.IntN(40)), lMRN)
	f.add("")
	f.add("ward,beds,occupied")
	f.add(fmt.Sprintf("%s,%d,%d", g.city(), 10+g.r.IntN(20), g.r.IntN(10)))
	f.add("Totals, in beds, per ward")
	f.add(fmt.Sprintf("%s,%s,%s", g.digits(9), g.digits(4), g.digits(2)))
	return f
}

// namedExport is an export named after the patient's SSN and surname.
// Findings show its path with the SSN and the surname masked.
func namedExport(g gen) *corpusFile {
	ssn, last := g.ssn("-"), g.last()
	f := &corpusFile{path: "exports/by-patient/" + ssn + "_" + strings.ToLower(last) + ".txt",
		shown: "exports/by-patient/***-**-" + ssn[len(ssn)-4:] + "_" + strings.Repeat("*", len(last)) + ".txt"}
	f.nameLabel(lPath)
	f.add(fmt.Sprintf("Visit summary, discharged after %d days", 1+g.r.IntN(9)))
	return f
}

// datedReport is a report named by its date, which is no PHI.
func datedReport(g gen) *corpusFile {
	f := &corpusFile{path: fmt.Sprintf("exports/ward-report-2025-%02d-%02d.txt", 1+g.r.IntN(12), 1+g.r.IntN(28))}
	f.add(fmt.Sprintf("Occupied beds %d", g.r.IntN(40)))
	return f
}

func claimsCSV(g gen) *corpusFile {
	f := &corpusFile{path: "data/claims.csv"}
	f.add("claim_id,order_number,rendering_npi,dx_code,amount,card_number,submitted_at")
	for i := 0; i < 25; i++ {
		f.add(fmt.Sprintf("CLM%s,%s,%s,%s,%d.%02d,%s,2025-0%d-1%dT08:00:00Z", g.digits(8), g.digits(12), g.npi(), g.icd(),
			g.r.IntN(5000), g.r.IntN(100), g.card(g.pick("visa", "mastercard", "discover")), 1+g.r.IntN(9), g.r.IntN(10)),
			lNPI, lCard)
	}
	f.add(fmt.Sprintf("CLM%s,%s,%s,%s,10.00,%s,2025-01-01T00:00:00Z", g.digits(8), g.digits(12), g.badNPI(), g.icd(), g.badCard()))
	f.add(fmt.Sprintf("CLM%s,%s,%s,%s,10.00,%s,2025-01-01T00:00:00Z", g.digits(8), g.digits(12), g.npi(), g.icd(), "4111111111111111"),
		lNPI, syn(lCard))
	return f
}

func seedSQL(g gen) *corpusFile {
	f := &corpusFile{path: "db/seed.sql"}
	f.add("-- Development seed data.")
	f.add("CREATE TABLE patients (id SERIAL PRIMARY KEY, full_name TEXT, ssn CHAR(11), date_of_birth DATE, mrn TEXT, phone TEXT);")
	f.add("INSERT INTO patients (id, full_name, ssn, date_of_birth, mrn, phone) VALUES")
	for i := 0; i < 15; i++ {
		end := ","
		if i == 14 {
			end = ";"
		}
		f.add(fmt.Sprintf("  (%d, '%s', '%s', '%s', '%s', '%s')%s", i+1, g.name(), g.ssn("-"), g.dobISO(), g.mrn(), g.phone(), end),
			lName, lSSN, lDOB, lMRN, lPhone)
	}
	f.add("INSERT INTO config (key, value) VALUES ('max_connections', '100'), ('listen_port', '5432');")
	f.add(fmt.Sprintf("INSERT INTO audit (id, at, actor) VALUES ('%s', '2025-06-01 10:00:00', 'system');", g.uuid()))
	f.add(fmt.Sprintf("INSERT INTO providers (npi, dea_number, name) VALUES ('%s', '%s', 'Riverton Clinic');", g.npi(), g.dea()), lNPI, lDEA)
	f.add(fmt.Sprintf("INSERT INTO patients (id, full_name, ssn) VALUES (99, 'Jane Doe', '%s');", g.synthSSN()), syn(lName), syn(lSSN))
	return f
}

func hl7Messages(g gen) *corpusFile {
	f := &corpusFile{path: "hl7/adt_a01.hl7"}
	for i := 0; i < 8; i++ {
		f.add(fmt.Sprintf("MSH|^~\\&|EPIC|RIVERTON|LAB|RIVERTON|2025%02d%02d1200||ADT^A01|MSG%s|P|2.5", 1+g.r.IntN(12), 1+g.r.IntN(28), g.digits(6)))
		f.add(fmt.Sprintf("EVN|A01|2025%02d%02d1200", 1+g.r.IntN(12), 1+g.r.IntN(28)))
		ssn := strings.ReplaceAll(g.ssn("-"), "-", "")
		f.add(fmt.Sprintf("PID|1||%s^^^RIVERTON^MR~%s^^^SSA^SS||%s^%s^A||%s|F|||%s^^%s^IL^62701||(%s)%s|||||%s|%s",
			g.digits(8), ssn, strings.ToUpper(g.last()), strings.ToUpper(g.first()), g.dobHL7(), g.street(), g.city(),
			"217", fmt.Sprintf("%03d-%04d", 200+g.r.IntN(700), g.r.IntN(10000)), g.digits(9), ssn),
			lPID, lMRN, lSSN, lName, lDOB, lAddr, lPhone)
		f.add(fmt.Sprintf("PV1|1|I|4N^401^A||||%s^%s^%s", g.npi(), strings.ToUpper(g.last()), strings.ToUpper(g.first())))
		f.add(fmt.Sprintf("DG1|1||%s^Diagnosis^I10|||A", g.icd()), lICD)
	}
	return f
}

// fhirPatient writes a FHIR R4 Patient resource as an entry of a Bundle.
func fhirPatient(f *corpusFile, g gen, last bool, synthetic bool) {
	mark := func(r string) string {
		if synthetic {
			return syn(r)
		}
		return r
	}
	first, family := g.first(), g.last()
	ssn := g.ssn("-")
	phone := g.phone()
	email := g.email(first, family)
	if synthetic {
		first, family = first+fmt.Sprint(100+g.r.IntN(900)), family+fmt.Sprint(100+g.r.IntN(900))
		ssn = g.synthSSN()
		phone = g.synthPhone()
		email = "patient@example.com"
	}
	f.add("    {")
	f.add("      \"fullUrl\": \"urn:uuid:" + g.uuid() + "\",")
	f.add("      \"resource\": {")
	f.add("        \"resourceType\": \"Patient\",", mark(lFHIR))
	f.add("        \"id\": \"" + g.uuid() + "\",")
	f.add("        \"identifier\": [")
	f.add("          { \"system\": \"http://hl7.org/fhir/sid/us-ssn\", \"value\": \""+ssn+"\" },", mark(lSSN))
	f.add("          { \"system\": \"http://hospital.example.org/mrn\", \"value\": \""+g.mrn()+"\" }", lMRN)
	f.add("        ],")
	f.add("        \"name\": [ { \"use\": \"official\", \"family\": \""+family+"\", \"given\": [ \""+first+"\" ] } ],", mark(lName), mark(lName))
	f.add("        \"telecom\": [")
	f.add("          { \"system\": \"phone\", \"value\": \""+phone+"\", \"use\": \"home\" },", mark(lPhone))
	f.add("          { \"system\": \"email\", \"value\": \""+email+"\" }", mark(lEmail))
	f.add("        ],")
	f.add("        \"gender\": \"female\",")
	f.add("        \"birthDate\": \""+g.dobISO()+"\",", lDOB)
	f.add("        \"address\": [ { \"line\": [ \""+g.street()+"\" ], \"city\": \""+g.city()+"\", \"postalCode\": \"62701\" } ]", lAddr)
	f.add("      }")
	if last {
		f.add("    }")
	} else {
		f.add("    },")
	}
}

func fhirBundle(g gen) *corpusFile {
	f := &corpusFile{path: "fhir/bundle.json"}
	f.add("{")
	f.add("  \"resourceType\": \"Bundle\",")
	f.add("  \"type\": \"collection\",")
	f.add("  \"entry\": [")
	for i := 0; i < 6; i++ {
		fhirPatient(f, g, false, false)
	}
	f.add("    {")
	f.add("      \"resource\": {")
	f.add("        \"resourceType\": \"Practitioner\",")
	f.add("        \"identifier\": [ { \"system\": \"http://hl7.org/fhir/sid/us-npi\", \"value\": \""+g.npi()+"\" } ],", lNPI)
	f.add("        \"name\": [ { \"family\": \"" + g.last() + "\", \"given\": [ \"" + g.first() + "\" ], \"prefix\": [ \"Dr.\" ] } ]")
	f.add("      }")
	f.add("    },")
	f.add("    {")
	f.add("      \"resource\": {")
	f.add("        \"resourceType\": \"Observation\",")
	f.add("        \"status\": \"final\",")
	f.add("        \"code\": { \"coding\": [ { \"system\": \"http://loinc.org\", \"code\": \"8867-4\" } ] },")
	f.add("        \"valueQuantity\": { \"value\": 72, \"unit\": \"beats/minute\" },")
	f.add("        \"effectiveDateTime\": \"2025-04-02T09:30:00Z\"")
	f.add("      }")
	f.add("    }")
	f.add("  ]")
	f.add("}")
	return f
}

func syntheaBundle(g gen) *corpusFile {
	f := &corpusFile{path: "fhir/synthea_patient.json"}
	f.add("{")
	f.add("  \"resourceType\": \"Bundle\",")
	f.add("  \"meta\": { \"source\": \"https://github.com/synthetichealth/synthea\" },")
	f.add("  \"type\": \"transaction\",")
	f.add("  \"entry\": [")
	fhirPatient(f, g, true, true)
	f.add("  ]")
	f.add("}")
	// Every value in a Synthea file is synthetic.
	for i := range f.labels {
		f.labels[i].synthetic = true
	}
	return f
}

func appLog(g gen) *corpusFile {
	f := &corpusFile{path: "logs/app.log"}
	for i := 0; i < 30; i++ {
		ts := fmt.Sprintf("2025-09-%02dT%02d:%02d:%02d.%03dZ", 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60), g.r.IntN(1000))
		switch i % 6 {
		case 0:
			f.add(fmt.Sprintf("%s INFO request_id=%s status=200 duration_ms=%d port=8443", ts, g.uuid(), g.r.IntN(900)))
		case 1:
			f.add(fmt.Sprintf("%s WARN eligibility check failed ssn=%s", ts, g.ssn("-")), lSSN)
		case 2:
			first, last := g.first(), g.last()
			f.add(fmt.Sprintf("%s INFO sent reminder email to %s", ts, g.email(first, last)), lEmail)
		case 3:
			f.add(fmt.Sprintf("%s INFO callback requested, phone %s", ts, g.phone()), lPhone)
		case 4:
			f.add(fmt.Sprintf("%s ERROR payment declined card %s", ts, groupCard(g.card("mastercard"), "-")), lCard)
		default:
			f.add(fmt.Sprintf("%s DEBUG cache hit ratio=0.%02d build=%s pid=%d", ts, g.r.IntN(100), g.sha()[:12], 1000+g.r.IntN(30000)))
		}
	}
	f.add(fmt.Sprintf("2025-09-30T00:00:00Z INFO loaded patient MRN %s", g.digits(8)), lMRN)
	f.add(fmt.Sprintf("2025-09-30T00:00:01Z INFO patient DOB %s verified", g.dobUS()), lDOB)
	return f
}

func nearMisses(g gen) *corpusFile {
	f := &corpusFile{path: "misc/near_misses.txt"}
	f.add("Values that look like identifiers but are not.")
	for i := 0; i < 8; i++ {
		f.add("uuid " + g.uuid())
		f.add("commit " + g.sha())
		f.add(fmt.Sprintf("version %d.%d.%d build %d", g.r.IntN(20), g.r.IntN(50), g.r.IntN(200), g.r.IntN(100000)))
		f.add(fmt.Sprintf("timestamp %d and %d ms", 1600000000+g.r.IntN(200000000), int64(1600000000000)+g.r.Int64N(2e11)))
		f.add(fmt.Sprintf("listening on 10.%d.%d.%d:%d", g.r.IntN(256), g.r.IntN(256), g.r.IntN(256), 1024+g.r.IntN(60000)))
		f.add(fmt.Sprintf("order number %s shipped on 2025-%02d-%02d", g.digits(10), 1+g.r.IntN(12), 1+g.r.IntN(28)))
		f.add(fmt.Sprintf("diagnosis codes in the catalogue: %s, %s", g.icd(), g.icd()))
		f.add(fmt.Sprintf("invalid ssn-shaped %s", g.invalidSSN()))
		f.add(fmt.Sprintf("tracking %s", g.digits(16)))
		f.add(fmt.Sprintf("sku AB-%s-%s", g.digits(4), g.digits(3)))
	}
	f.add("well-known advertising number 078-05-1120", syn(lSSN))
	f.add("range 100-200-3000 is a numeric interval")
	f.add("isbn 978-3-16-148410-0")
	return f
}

func notesMarkdown(g gen) *corpusFile {
	f := &corpusFile{path: "docs/triage-notes.md"}
	f.add("# Triage notes")
	f.add("")
	f.add(fmt.Sprintf("Patient called back from %s about the referral.", parenPhone(g.phone())), lPhone)
	f.add(fmt.Sprintf("Her SSN is %s and her Medicare number %s.", g.ssn("-"), g.mbi()), lSSN, lMBI)
	f.add(fmt.Sprintf("Send the summary to %s please.", g.email(g.first(), g.last())), lEmail)
	f.add("The outage lasted 45 minutes; see incident 2025-118.")
	f.add(fmt.Sprintf("Card on file %s expires 09/27.", groupCard(g.card("visa"), " ")), lCard)
	f.add("hmsci:allow-phi training example reviewed by the privacy office")
	f.add(fmt.Sprintf("Example SSN %s", g.ssn("-")), lSSN)
	return f
}
