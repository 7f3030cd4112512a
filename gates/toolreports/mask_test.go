package toolreports

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMaskMessages(t *testing.T) {
	tests := []struct {
		name, input, want string
	}{
		{"plain text kept", "Type 'number' is not assignable to type 'string'.", "Type 'number' is not assignable to type 'string'."},
		{"SSN", "patient ssn 123-45-6789 rejected", "patient ssn ***-**-**** rejected"},
		{"secret after keyword", "env DB_PASSWORD has a literal value hunter2-SuperSecret", "env DB_PASSWORD has a literal value ********"},
		{"token with symbols", "token=ab$cdefgh", "token=********"},
		{"mixed case secret", "api key is SuperSecretValue", "api key is ********"},
		{"keyword but plain words", "missing password policy for service", "missing password policy for service"},
		{"query values", "GET /patients?mrn=00123456&page=2", "GET /patients?mrn=***&page=***"},
		{"after multi-byte text", "Ünïcödé patient ssn 123-45-6789 ok", "Ünïcödé patient ssn ***-**-**** ok"},
		{"several values after CJK text", "日本語 dob 03/14/1962, email john.smith@hospital.org", "日本語 dob **/**/****, email ****.*****@********.***"},
		{"terminal escapes and line breaks", "\x1b[31mred\x1b[0m line\nnext", "red line next"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, maskMessage(tt.input))
		})
	}
}

func TestMaskMessagesKeepsOrder(t *testing.T) {
	out := maskMessages([]string{"first 123-45-6789", "second", "third 078-05-1120"})
	assert.Equal(t, []string{"first ***-**-****", "second", "third ***-**-****"}, out)
	assert.Empty(t, maskMessages(nil))
}

func TestMaskURL(t *testing.T) {
	tests := []struct{ input, want string }{
		{"http://app:3000/", "http://app:3000/"},
		{"http://app:3000/patients?mrn=00123456&ssn=123-45-6789", "http://app:3000/patients?mrn=***&ssn=***"},
		{"https://user:pw@app/x#frag", "https://app/x#***"},
		{"not a url 123-45-6789", "not a url ***-**-****"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, maskURL(tt.input), tt.input)
	}
}
