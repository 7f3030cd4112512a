module dagger/hmsci

go 1.26

require (
	dagger.io/dagger v0.21.8
	github.com/hms-enterprise/hmsci v0.0.0
)

replace github.com/hms-enterprise/hmsci => ../
