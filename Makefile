# The two set-up commands from the README:
#   make demo   builds the dev cluster, starts it and runs the example against it
#   make test   runs every check and test (what CI runs)
.PHONY: demo test
demo:
	./scripts/demo.sh
test:
	./scripts/test.sh
