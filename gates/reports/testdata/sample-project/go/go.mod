module example.com/wardsample

go 1.26
