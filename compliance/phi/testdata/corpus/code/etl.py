import logging

logger = logging.getLogger(__name__)

def load(patient, batch_id):
    logger.info("loading batch %s", batch_id)
    logger.info("loading %s", patient.ssn)
    logger.info(f"loaded {patient.first_name} {patient.last_name}")
    logger.info(f"loaded {redact(patient.first_name)}")
    print("patient", patient)
    print("rows", len(patient.visits))
    logging.warning("member id %s missing", patient.member_id)

FIXTURES = [
    {"mrn": "H624039252", "member_id": "W112308547", "dob": "05/25/1969", "npi": "1261992246"},
    {"mrn": "H6772350", "member_id": "W764528306", "dob": "12/06/1940", "npi": "2536066048"},
    {"mrn": "MRN-67073385", "member_id": "MBR370650192", "dob": "07/01/1999", "npi": "1396708038"},
    {"mrn": "H42595988", "member_id": "XJH010113624", "dob": "10/22/1949", "npi": "2092434598"},
    {"mrn": "H1027768", "member_id": "XJH534084962", "dob": "08/20/1948", "npi": "1685488805"},
    {"mrn": "94626298", "member_id": "W838112689", "dob": "11/02/2001", "npi": "1387080553"},
    {"mrn": "H4924837", "member_id": "MBR186218032", "dob": "06/02/1968", "npi": "1729085351"},
    {"mrn": "H00132814", "member_id": "W319114356", "dob": "07/02/1982", "npi": "1678842018"},
    {"mrn": "H72475521", "member_id": "XJH964011875", "dob": "11/14/2008", "npi": "1856074863"},
    {"mrn": "H0114413", "member_id": "W728355407", "dob": "02/05/1995", "npi": "1460789005"},
]
BAD_NPI = {"npi": "1752262797"}
AMEX = "3480 986938 32979"  # card on file
DISCOVER = "6567680337931738"
NOT_A_CARD = "4912 6606 1934 5029"  # card that fails Luhn
TIMEOUT_SECONDS = 3600
