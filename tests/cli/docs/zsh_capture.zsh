#!/usr/bin/env zsh
# Completes a command line in a real interactive zsh (driven through zsh/zpty) that loads the
# okr completion function from COMPDIR with compinit, and prints each candidate the completion
# system offers, one a line. usage: zsh_capture.zsh COMPDIR 'okr -f examples/team log pla'
emulate -L zsh
zmodload zsh/zpty || exit 2
local compdir=$1 line=$2
local setup=$(mktemp)
trap 'rm -f $setup' EXIT
cat > $setup <<SETUP
PROMPT=''
unsetopt zle_bracketed_paste 2>/dev/null
fpath=(${(q)compdir} \$fpath)
autoload -U compinit && compinit -u -D
bindkey '^I' complete-word
zstyle ':completion:*' list-grouped false
zstyle ':completion:*' insert-tab false
__okr_mark() { print -r -- OKR-MARK }
compprefuncs=( __okr_mark )
comppostfuncs=( __okr_mark exit )
compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "\$@"; return; fi
  local -a __hits
  builtin compadd -A __hits "\$@"
  [[ " \$* " == *" -V "* ]] && print -r -- "UNSORTED-GROUP"
  local h
  for h in \$__hits; do print -r -- "CAND:\$IPREFIX\$h"; done
}
SETUP
zpty z zsh -f -i
zpty -w z "source ${(q)setup}; print -r -- READY"
local out
repeat 100; do
  if zpty -r -t z out; then
    [[ $out == READY* ]] && break
  else
    sleep 0.05
  fi
done
zpty -w -n z "$line"$'\t'
local marks=0 buffer
while zpty -r z buffer; do
  [[ $buffer == *OKR-MARK* ]] && (( marks++ ))
  [[ $buffer == CAND:* ]] && print -r -- ${${buffer#CAND:}%%$'\r'*}
  [[ $buffer == UNSORTED-GROUP* ]] && print -r -- "(unsorted)"
  (( marks >= 2 )) && break
done
zpty -d z
