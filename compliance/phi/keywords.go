package phi

// kind is a bit set of the PHI categories a keyword, key or column name
// points at.
type kind uint32

const (
	kSSN kind = 1 << iota
	kMRN
	kPlan
	kDOB
	kPhone
	kEmail
	kAddress
	kName     // a key that always holds a person's name (lastName, patient_name)
	kNameWeak // a key that holds a person's name only in a patient record ("name", "given")
	kNPI
	kDEA
	kMBI
	kICD
	kPatient // a word that puts the surrounding record in a patient context
	kCard
)

// keywordKinds maps a normalized word (ASCII lower case, without '_', '-'
// and '.') to the categories it names. Words used as keys or column names
// select the validator for their value; words in running text make nearby
// values count as context-confirmed.
var keywordKinds = map[string]kind{
	// Social Security numbers.
	"ssn": kSSN, "ssns": kSSN, "socialsecuritynumber": kSSN, "socialsecurity": kSSN,
	"socialsecurityno": kSSN, "socsecno": kSSN, "ssnumber": kSSN, "social": kSSN, "ssnno": kSSN,
	"patientssn": kSSN | kPatient,
	// Medical record numbers.
	"mrn": kMRN, "mrns": kMRN, "medicalrecordnumber": kMRN, "medicalrecordno": kMRN, "medrecno": kMRN,
	"medicalrecord": kMRN, "chartnumber": kMRN, "chartno": kMRN, "patientnumber": kMRN | kPatient,
	"patientno": kMRN | kPatient, "patientmrn": kMRN | kPatient, "accountnumber": kMRN, "patientaccount": kMRN | kPatient,
	// Health-plan numbers.
	"memberid": kPlan, "membernumber": kPlan, "subscriberid": kPlan, "subscribernumber": kPlan,
	"healthplanid": kPlan, "healthplannumber": kPlan, "insuranceid": kPlan, "insurancenumber": kPlan,
	"policynumber": kPlan, "policyno": kPlan, "medicaidid": kPlan, "medicaidnumber": kPlan,
	"beneficiaryid": kPlan, "planmemberid": kPlan,
	// Dates of birth.
	"dob": kDOB, "dateofbirth": kDOB, "birthdate": kDOB, "birthday": kDOB, "birthdt": kDOB,
	"dtofbirth": kDOB, "born": kDOB, "birth": kDOB, "patientdob": kDOB | kPatient,
	// Phone and fax numbers.
	"phone": kPhone, "phones": kPhone, "phonenumber": kPhone, "phoneno": kPhone, "telephone": kPhone,
	"tel": kPhone, "fax": kPhone, "faxnumber": kPhone, "mobile": kPhone, "mobilephone": kPhone,
	"cell": kPhone, "cellphone": kPhone, "homephone": kPhone, "workphone": kPhone, "contactnumber": kPhone,
	"call": kPhone, "desk": kPhone, "office": kPhone, "patientphone": kPhone | kPatient,
	// E-mail addresses.
	"email": kEmail, "emails": kEmail, "emailaddress": kEmail, "mail": kEmail, "contactemail": kEmail,
	"patientemail": kEmail | kPatient,
	// Street addresses.
	"address": kAddress, "streetaddress": kAddress, "street": kAddress, "addressline": kAddress,
	"addressline1": kAddress, "address1": kAddress, "address2": kAddress, "addressline2": kAddress,
	"homeaddress": kAddress, "mailingaddress": kAddress, "patientaddress": kAddress | kPatient,
	// Person names.
	"patientname": kName | kPatient, "fullname": kName, "firstname": kName, "lastname": kName,
	"givenname": kName, "familyname": kName, "middlename": kName, "surname": kName, "ptname": kName,
	"patname": kName, "name": kNameWeak, "given": kNameWeak, "family": kNameWeak,
	// Provider identifiers and Medicare numbers.
	"npi": kNPI, "npinumber": kNPI, "providernpi": kNPI, "prescribernpi": kNPI, "nationalproviderid": kNPI,
	"dea": kDEA, "deanumber": kDEA, "dearegistration": kDEA, "deano": kDEA,
	"mbi": kMBI, "medicareid": kMBI, "medicarenumber": kMBI, "medicarebeneficiaryid": kMBI,
	// Diagnoses.
	"icd": kICD, "icd10": kICD, "icd10cm": kICD, "diagnosis": kICD, "diagnosiscode": kICD, "dx": kICD,
	"dxcode": kICD, "diag": kICD, "diagnoses": kICD,
	// Patient context.
	"patient": kPatient, "patients": kPatient, "subject": kPatient, "beneficiary": kPatient,
	"member": kPatient, "person": kPatient, "resident": kPatient,
	// Payment cards.
	"card": kCard, "cardnumber": kCard, "creditcard": kCard, "ccnumber": kCard, "cardno": kCard, "pan": kCard,
	"cc": kCard, "visa": kCard, "mastercard": kCard, "amex": kCard, "discover": kCard, "jcb": kCard,
}

// maxKeywordLen bounds the words looked up, so long identifiers are
// rejected before they are normalized.
const maxKeywordLen = 32

// lookupKeyword normalizes word and returns its categories, or 0.
func lookupKeyword(word []byte) kind {
	if len(word) < 2 || len(word) > maxKeywordLen+8 {
		return 0
	}
	var buf [maxKeywordLen + 8]byte
	n := 0
	for _, c := range word {
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case isUpper(c):
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	if n == 0 || n > maxKeywordLen {
		return 0
	}
	if k := keywordKinds[string(buf[:n])]; k != 0 {
		return k
	}
	return suffixKinds(word, buf[:n])
}

// suffixKeywordKinds are the categories a compound key may take from its
// last component (rendering_npi, supportEmail, phone2). Names and
// addresses are left out: file_name and ip_address are not PHI.
const suffixKeywordKinds = kSSN | kNPI | kDEA | kMBI | kMRN | kDOB | kPhone | kEmail | kPlan | kCard

// suffixKinds looks up the last component of a compound word: the part
// after the last '_', '-' or '.', or the last camel-case hump, with
// trailing digits removed.
func suffixKinds(word, norm []byte) kind {
	end := len(word)
	for end > 0 && isDigit(word[end-1]) {
		end--
	}
	if end == 0 {
		return 0
	}
	// Only a short numeric suffix marks a numbered key (phone2, address1);
	// "CC9468516" is a value, not the key "cc".
	if len(word)-end > 2 {
		return 0
	}
	if end < len(word) {
		if k := keywordKinds[string(norm[:len(norm)-(len(word)-end)])]; k != 0 {
			return k & (suffixKeywordKinds | kAddress)
		}
	}
	start := end - 1
	for start > 0 {
		c := word[start-1]
		if c == '_' || c == '-' || c == '.' {
			break
		}
		if isUpper(word[start]) && isLower(c) {
			break
		}
		start--
	}
	if start == 0 {
		return 0
	}
	var buf [maxKeywordLen + 8]byte
	n := 0
	for _, c := range word[start:end] {
		if isUpper(c) {
			c += 'a' - 'A'
		}
		buf[n] = c
		n++
	}
	return keywordKinds[string(buf[:n])] & suffixKeywordKinds
}
