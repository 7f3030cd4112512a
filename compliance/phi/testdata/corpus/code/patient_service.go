package patients

import (
	"fmt"
	"log"
	"log/slog"
	"time"
)

// Listen port and timeouts for the intake service.
const listenAddr = ":8443"
const requestTimeout = 30 * time.Second
const schemaVersion = "4.0.1"

func (s *Service) Admit(p *Patient) error {
	log.Printf("admitting patient %s", p.ID)
	log.Printf("admitting patient with ssn %s", p.SSN)
	slog.Info("admitted", "mrn", p.MRN)
	slog.Info("admitted", "mrn", mask(p.MRN))
	fmt.Println("patient record", patient)
	s.logger.Debugf("dob=%s", p.DateOfBirth)
	s.logger.Debugf("dob=%s", redact(p.DateOfBirth))
	s.logger.Infof("visit count %d for %s", p.VisitCount, p.ID)
	return fmt.Errorf("admit %s: %w", p.ID, errNoBed)
}

var fixturePatients = []Patient{
	{ID: "100c4c05-f75f-4e9e-a192-d3c012790c57", FirstName: "James", LastName: "Chen",
		SSN: "228-66-4918", DOB: "1933-09-16", Phone: "733-542-4190",
		MBI: "4F97HP7QR19", Email: "james.chen50@mercyhealth.org"},
	{ID: "bd2a43b2-f878-4f5e-aa4e-470ffe3e1eed", FirstName: "James", LastName: "Chen",
		SSN: "359-48-3744", DOB: "1942-11-03", Phone: "386-913-0952",
		MBI: "8N67NP2JW62", Email: "james.chen67@yahoo.com"},
	{ID: "61ce66b5-0a54-462f-ac0d-245282d4538e", FirstName: "Wei", LastName: "Ramirez",
		SSN: "147-16-6229", DOB: "2009-09-17", Phone: "560-980-0971",
		MBI: "9WT7D20DF24", Email: "wei.ramirez42@gmail.com"},
	{ID: "0343a033-6708-4fd9-a7c8-02e4d8ff7a7b", FirstName: "Olga", LastName: "Fitzgerald",
		SSN: "434-62-6281", DOB: "2006-08-16", Phone: "304-319-5963",
		MBI: "9C87HC4VM27", Email: "olga.fitzgerald49@gmail.com"},
	{ID: "92ad0eec-c2cb-4e1c-acc8-096fe3c6d776", FirstName: "Sofia", LastName: "Haddad",
		SSN: "253-09-4567", DOB: "1939-02-14", Phone: "492-244-0892",
		MBI: "9CQ5JA3XM28", Email: "sofia.haddad23@fastmail.fm"},
	{ID: "a2653dea-d7e0-4692-a491-ca0394aa4988", FirstName: "Olga", LastName: "Schneider",
		SSN: "511-11-9536", DOB: "1940-01-05", Phone: "310-504-7123",
		MBI: "7HQ3C59MW28", Email: "olga.schneider17@outlook.com"},
	{ID: "05d2f4f9-f40b-46a5-ae97-48ccc7559250", FirstName: "Elena", LastName: "Okafor",
		SSN: "362-85-8754", DOB: "1972-08-27", Phone: "592-651-3706",
		MBI: "6Y10CH3CN09", Email: "elena.okafor61@fastmail.fm"},
	{ID: "809316ec-df9c-4e1d-a50b-d9ea2cb18fc6", FirstName: "Dmitri", LastName: "Schneider",
		SSN: "551-53-2885", DOB: "2001-04-08", Phone: "895-418-2247",
		MBI: "5NQ7P08JF64", Email: "dmitri.schneider83@mercyhealth.org"},
	{ID: "78c36dc6-db2b-45c9-ab29-e5a75c33c106", FirstName: "Sofia", LastName: "Fitzgerald",
		SSN: "742-75-4390", DOB: "1992-05-11", Phone: "628-213-0195",
		MBI: "3R61GW2FK10", Email: "sofia.fitzgerald57@mercyhealth.org"},
	{ID: "cabff312-bbc7-418a-a543-aac876ec7395", FirstName: "Wei", LastName: "Moreau",
		SSN: "854-53-7615", DOB: "1955-10-09", Phone: "640-529-1555",
		MBI: "6M66M65XY00", Email: "wei.moreau74@mercyhealth.org"},
	{ID: "5c53777c-ef29-436e-acb6-4211f58db9d1", FirstName: "Olga", LastName: "Lindqvist",
		SSN: "706-37-8388", DOB: "2008-02-11", Phone: "577-963-1087",
		MBI: "8C93KX7QN15", Email: "olga.lindqvist37@stlukes-hospital.org"},
	{ID: "2652b0ac-fce2-4d29-a959-2e7280bb72e1", FirstName: "Yuki", LastName: "Nguyen",
		SSN: "206-71-7521", DOB: "1963-02-05", Phone: "493-244-5491",
		MBI: "2RP1U90XW99", Email: "yuki.nguyen80@outlook.com"},
	{ID: "32759ebd-c1b4-4843-ab83-66bec28fb876", FirstName: "John", LastName: "Doe", SSN: "938-41-6835"},
}

var buildCommit = "057583637e70c4ccaa7fb573ae74f7839b1cb3b5"
var startedAt = time.Unix(1781803545, 0)

const prescriberNPI = "1706511304"
const prescriberDEA = "AK6410170"
const testCard = "4242424242424242" // processor sandbox number
