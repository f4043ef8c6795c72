# SPDX-License-Identifier: GPL-2.0
#
# Kbuild rule for the freestanding C++ core (src/core/*.cc).
#
# The flags are the ones Kbuild gives a C file of this module ($(_c_flags):
# KBUILD_CPPFLAGS, KBUILD_CFLAGS, ccflags-y and the per-object sanitizer
# flags such as KASAN's), so whatever the target kernel was configured with
# (retpolines, return thunks, KASAN, stack protector...) applies to C++ too.
# Only the options that are meaningless for C++ are removed. No Linux header
# is seen by the core: $(LINUXINCLUDE) is left out on purpose.

cxx-c-only := -std=gnu11 -std=gnu89 -std=gnu99 \
	-Wstrict-prototypes -Werror=strict-prototypes \
	-Wdeclaration-after-statement -Werror=declaration-after-statement \
	-Wno-pointer-sign -Wmissing-prototypes -Wold-style-definition \
	-Werror=implicit-int -Werror=implicit-function-declaration \
	-Werror=incompatible-pointer-types -Werror=designated-init \
	-Wimplicit-fallthrough=5 -Wno-main -Wnested-externs \
	-Wmissing-declarations -Wold-style-declaration \
	-g -gdwarf-4 -gdwarf-5 -gsplit-dwarf -gz

# -g0: pahole cannot turn C++ DWARF into BTF, and the core needs no BTF.
cxx-flags = $(filter-out $(cxx-c-only), $(_c_flags) $(modkern_cflags) \
		$(basename_flags) $(modname_flags)) \
	-nostdinc -nostdinc++ -ffreestanding -std=gnu++17 \
	-fno-exceptions -fno-rtti -fno-threadsafe-statics \
	-fno-use-cxa-atexit -fno-asynchronous-unwind-tables -g0 \
	-Wimplicit-fallthrough

# The C++ compiler that matches the kernel's C compiler (gcc-12 -> g++-12).
KCXX ?= $(if $(findstring clang,$(CC)),$(subst clang,clang++,$(CC)),$(subst gcc,g++,$(CC)))

quiet_cmd_cxx_o = C++ $(quiet_modtag) $@
      cmd_cxx_o = $(KCXX) -Wp,-MMD,$(depfile) $(cxx-flags) -c -o $@ $< \
		$(cmd_objtool)

$(obj)/%.o: $(src)/%.cc FORCE
	$(call if_changed_dep,cxx_o)
	$(call cmd,gen_objtooldep)
