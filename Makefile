# The two commands of the README, and a few more for developers.
#
#   make run            install what is missing, build, import the demo, serve it
#   make test           install what is missing, build, run every test with ctest
#   make test-sanitize  the same tests on an ASan+UBSan build (CI runs both)
#   make fuzz           build the libFuzzer targets (clang)
#   make fuzz-run       build them and run each for FUZZ_SECONDS (default 600)
#   make format         clang-format every source file

BUILD   ?= build
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
DB      ?= gazette.db
CMAKE_FLAGS ?=

.PHONY: all run test test-sanitize test-tsan deps build fuzz fuzz-run format check-format clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DGZ_WERROR=ON $(CMAKE_FLAGS) >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

run: build
	@scripts/run-demo.sh $(BUILD)/gazette $(DB)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

test-sanitize: deps
	@cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DGZ_WERROR=ON -DGZ_SANITIZE=ON >/dev/null
	@cmake --build build-asan -j $(JOBS)
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --test-dir build-asan --output-on-failure -j $(JOBS) -LE nosan

test-tsan: deps
	@cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DGZ_WERROR=ON -DGZ_TSAN=ON >/dev/null
	@cmake --build build-tsan -j $(JOBS)
	@ctest --test-dir build-tsan --output-on-failure -j $(JOBS) -L tsan

fuzz: deps
	@CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGZ_FUZZ=ON >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

FUZZ_SECONDS ?= 600
fuzz-run: deps
	@fuzz/run.sh -t $(FUZZ_SECONDS)

format:
	@clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h' 'fuzz/*.c' 'bench/*.c')

check-format:
	@scripts/check-format.sh

clean:
	rm -rf $(BUILD) build-asan build-tsan build-fuzz
