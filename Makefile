# The commands the README gives.  Everything real lives in CMake; these
# targets pick build directories and run the steps in order.
#
#   make demo            transparent TLS demonstration (see README)
#   make check           dependencies, build (gcc -Werror), every test, then
#                        the unit tests again under ASan+UBSan (clang) and
#                        each fuzz target for a bounded time
#   make check-sanitize  only the ASan+UBSan part
#   make bench           benchmarks (bench/)
#   make bench-quick     the transparent-TLS comparison, short (under a minute)
#   make lint            clang-tidy and cppcheck over src/
#   make deb             the Debian package, from a copy of this tree, into
#                        $(BUILD)/deb/ (lintian errors fail it)
#   make deb-check       make deb, then install it in a fresh Debian tree,
#                        run the batch-client lab there, and purge it
#                        (tests/package/smoke.sh; needs root and a mirror)

BUILD        ?= build
BUILD_SAN    ?= build-sanitize
JOBS         ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 20
CMAKE_FLAGS  ?=

DEB_DIR      ?= $(BUILD)/deb
DEB_VERSION  := $(shell sed -n '1s/^attls (\(.*\)).*/\1/p' debian/changelog)

.PHONY: all deps build check check-main check-sanitize bench bench-quick demo lint clean \
	deb deb-check

all: build

deps:
	@./scripts/install-deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_C_COMPILER=gcc $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j $(JOBS)

check-main: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE fuzz

check-sanitize: deps
	cmake -S . -B $(BUILD_SAN) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
		-DATTLS_SANITIZE=ON -DATTLS_FUZZ=ON -DATTLS_FUZZ_SECONDS=$(FUZZ_SECONDS) $(CMAKE_FLAGS)
	cmake --build $(BUILD_SAN) -j $(JOBS)
	cd $(BUILD_SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -L 'unit|fuzz'

# The sanitizer run goes first so that the closing summary line is the
# full suite's.
check: check-sanitize check-main

demo: build
	./scripts/demo.sh $(BUILD)

bench: build
	cmake --build $(BUILD) --target bench_all

bench-quick: build
	cmake --build $(BUILD) --target bench_quick

lint: build
	./scripts/lint.sh $(BUILD)

# dpkg-buildpackage writes next to the source directory, so it builds a
# copy under $(DEB_DIR) and the results land there, not beside the tree.
deb: deps
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/attls-$(DEB_VERSION)
	tar -c --exclude='./build*' --exclude=./.git --exclude='./$(BUILD)' . | \
		tar -x -C $(DEB_DIR)/attls-$(DEB_VERSION)
	cd $(DEB_DIR)/attls-$(DEB_VERSION) && \
		DEB_BUILD_OPTIONS="parallel=$(JOBS)" dpkg-buildpackage -us -uc -b
	lintian --fail-on error --info $(DEB_DIR)/*.changes | tee $(DEB_DIR)/lintian.txt
	@ls -1 $(DEB_DIR)/*.deb

deb-check: deb
	./tests/package/smoke.sh $(DEB_DIR) $(BUILD)/debootstrap

clean:
	rm -rf $(BUILD) $(BUILD_SAN)
