# The libFuzzer targets, built with clang into build/fuzz (apart from the g++
# build): `make -f fuzz/targets.mk -j2` from the repository's top, as fuzz/run
# does. Each target links its harness (fuzz/targets/<name>.cpp) and only the
# src/ files it exercises: no database, no FastCGI library.

FUZZ_CXX   ?= clang++
FUZZ_BUILD := build/fuzz
# src/ is built with the sanitizers and libFuzzer's coverage hooks; only the
# harnesses' link brings libFuzzer's main in.
FUZZ_SAN   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
              -fsanitize-ignorelist=fuzz/ubsan.ignore
FUZZ_FLAGS := -std=c++20 -O1 -g -Wall -Wextra -Wshadow -Werror $(FUZZ_SAN) \
              -fsanitize=fuzzer-no-link -MMD -MP -Isrc -Ifuzz/targets -pthread
FUZZ_LINK  := $(FUZZ_SAN) -fsanitize=fuzzer -pthread

# <name>_SRC: the src/ files (without .cpp) a target needs; <name>_LIBS: its libraries.
percent_decode_SRC := http/body
json_body_SRC      := http/body
urlencoded_SRC     := http/body
multipart_SRC      := http/body
request_SRC        := http/request http/request_id http/body
request_LIBS       := -lcrypto
query_SRC          := validation/validator http/body resources/posts/rules \
                      resources/products/rules resources/users/rules
validator_SRC      := $(query_SRC) resources/auth/rules
jwt_SRC            := auth/jwt common/base64 common/digest common/key_set
jwt_LIBS           := -lcrypto
cursor_SRC         := db/cursor common/base64 common/digest common/key_set
cursor_LIBS        := -lcrypto
etag_SRC           := http/etag common/digest
etag_LIBS          := -lcrypto
env_file_SRC       := config/config db/settings common/key_set common/digest
env_file_LIBS      := -lcrypto

# Every fuzz/targets/<name>.cpp is a target (fuzz/run lists them the same way).
ALL_TARGETS := $(sort $(basename $(notdir $(wildcard fuzz/targets/*.cpp))))

.PHONY: all
all: $(ALL_TARGETS:%=$(FUZZ_BUILD)/bin/%)

# The targets' link rules, one per target, from the lists above.
define fuzz_target
$(FUZZ_BUILD)/bin/$(1): $(FUZZ_BUILD)/fuzz/targets/$(1).o $$($(1)_SRC:%=$(FUZZ_BUILD)/src/%.o)
	@mkdir -p $$(@D)
	$$(FUZZ_CXX) $$(FUZZ_LINK) -o $$@ $$^ $$($(1)_LIBS)
endef
$(foreach t,$(ALL_TARGETS),$(eval $(call fuzz_target,$(t))))

$(FUZZ_BUILD)/%.o: %.cpp fuzz/targets.mk fuzz/ubsan.ignore
	@mkdir -p $(@D)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -c -o $@ $<

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)
