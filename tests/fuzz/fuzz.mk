# The fuzz build (GNU make), run by 'make fuzz' from the automake Makefile
# (tests/fuzz/local.am), which passes the source lists and flags. It
# compiles the library sources and the tool files the targets need with
# clang, libFuzzer coverage, ASan and UBSan into $(FUZZ_DIR), apart from
# the configured build, and links one program per target.
# The first clang on PATH unless FUZZ_CC names one (Debian's clang-14
# package installs only clang-14).
ifeq ($(strip $(FUZZ_CC)),)
override FUZZ_CC := $(firstword $(foreach c,clang clang-14 clang-15 clang-16,$(shell command -v $(c))) clang)
endif
FUZZ_DIR ?= fuzz-build
srcdir ?= .
builddir ?= .

FUZZ_CFLAGS = -g -O1 -std=gnu11 -pthread -fno-omit-frame-pointer \
	-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined \
	-Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	-include $(builddir)/config.h -I$(srcdir)/lib -I$(srcdir)/eeh -I$(srcdir)/inject \
	-I$(srcdir)/tools -I$(srcdir)/tests/fuzz $(DEP_CFLAGS)

LIB_C := $(filter %.c,$(LIB_SOURCES) $(TOOL_SOURCES))
OBJS := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(LIB_C))
PROGS := $(addprefix $(FUZZ_DIR)/fuzz_,$(TARGETS))

all: $(PROGS)

$(FUZZ_DIR)/obj/%.o: $(srcdir)/%.c $(builddir)/config.h
	@mkdir -p $(dir $@)
	@echo "  FUZZCC   $<"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_%: $(srcdir)/tests/fuzz/fuzz-%.c $(OBJS)
	@mkdir -p $(FUZZ_DIR)
	@echo "  FUZZLD   $@"
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -MMD -MP -MF $@.d $< $(OBJS) \
		$(DEP_LIBS) -o $@

-include $(OBJS:.o=.d) $(PROGS:=.d)

.PHONY: all
# Keep the objects: they are shared by every target.
.SECONDARY: $(OBJS)
