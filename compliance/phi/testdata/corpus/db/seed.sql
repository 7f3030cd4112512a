-- Development seed data.
CREATE TABLE patients (id SERIAL PRIMARY KEY, full_name TEXT, ssn CHAR(11), date_of_birth DATE, mrn TEXT, phone TEXT);
INSERT INTO patients (id, full_name, ssn, date_of_birth, mrn, phone) VALUES
  (1, 'Aisha Johansson', '083-29-6341', '1961-06-16', 'H4637643', '289-248-2194'),
  (2, 'Aisha Oyelaran', '896-85-6324', '1965-12-08', 'MRN-84668124', '906-623-9615'),
  (3, 'Maria Gonzalez', '509-35-5987', '1991-09-04', '86459233', '598-884-1764'),
  (4, 'Priya Ramirez', '114-09-5595', '1996-09-27', '4200589', '547-767-4493'),
  (5, 'Grace Patel', '647-69-7278', '1965-01-09', 'MRN-6322383', '561-217-1407'),
  (6, 'Tomasz Tanaka', '608-99-9983', '1971-09-18', 'MRN-526493392', '603-807-0834'),
  (7, 'Dmitri Oyelaran', '855-18-2192', '1945-09-20', 'MRN-52037426', '244-206-7089'),
  (8, 'Amara Moreau', '214-85-9288', '2009-03-23', 'H55773308', '948-420-5886'),
  (9, 'Tomasz Chen', '297-97-8837', '1937-03-16', 'MRN-537853722', '516-855-6262'),
  (10, 'Wei Abernathy', '868-84-6916', '1940-10-02', 'MRN-7481314', '254-363-9638'),
  (11, 'Yuki Okafor', '463-68-4542', '1952-05-28', 'MRN-6920985', '348-607-7448'),
  (12, 'Tomasz Oyelaran', '861-29-7344', '1952-12-27', '237763028', '471-298-5498'),
  (13, 'Priya Patel', '864-75-2186', '1991-01-13', 'MRN-90226367', '939-351-3804'),
  (14, 'Mateo Abernathy', '039-22-9702', '1986-06-18', '720767527', '288-900-5171'),
  (15, 'Dmitri Moreau', '498-42-1926', '1931-02-24', 'MRN-160855231', '372-268-6200');
INSERT INTO config (key, value) VALUES ('max_connections', '100'), ('listen_port', '5432');
INSERT INTO audit (id, at, actor) VALUES ('eeb425d3-cc5d-405a-aad9-d560737f795d', '2025-06-01 10:00:00', 'system');
INSERT INTO providers (npi, dea_number, name) VALUES ('1384463844', 'TU0800385', 'Riverton Clinic');
INSERT INTO patients (id, full_name, ssn) VALUES (99, 'Jane Doe', '918-94-2129');
