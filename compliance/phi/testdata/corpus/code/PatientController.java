package org.hospital.intake;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class PatientController {
    private static final Logger LOG = LoggerFactory.getLogger(PatientController.class);
    private static final int MAX_RETRIES = 3;

    public void admit(Patient patient) {
        LOG.info("admitting {}", patient.getSsn());
        LOG.info("admitting {}", Privacy.mask(patient.getSsn()));
        LOG.debug("record id {}", patient.getId());
        System.out.println("dob: " + patient.getDateOfBirth());
        logger.error("cannot admit " + patient);
    }

    static final String SAMPLE_MBI_0 = "1AR8-YT2-EE59";
    static final String SAMPLE_MBI_1 = "5U86-NR8-YM53";
    static final String SAMPLE_MBI_2 = "4V94-X66-RG08";
    static final String SAMPLE_MBI_3 = "8P07-DE3-DX01";
    static final String SAMPLE_MBI_4 = "5QK3-DQ1-JG11";
    static final String SAMPLE_MBI_5 = "7F03-TR6-QW81";
    static final String SAMPLE_MBI_6 = "7C06-XF8-TT62";
    static final String SAMPLE_MBI_7 = "8YC5-U12-KY75";
    static final String CMS_EXAMPLE_MBI = "1EG4-TE5-MK73";
    static final String DEA_0 = "CC9468516";
    static final String DEA_1 = "MC0246644";
    static final String DEA_2 = "XD2073942";
    static final String DEA_3 = "FQ5610476";
    static final String DEA_4 = "EM2904402";
    static final String DEA_5 = "JX8380115";
    static final String BAD_DEA = "TN6919078";
    static final long CREATED = 1727638128193L;
}
