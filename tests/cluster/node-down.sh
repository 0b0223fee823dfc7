# shellcheck shell=bash
#! Undoes what tests/cluster/node.sh made: containers, shims, mounts, network namespaces, the bridge.
#
# Sourced by tests/cluster/down (uses STATE, NODE_DIR, say). Two functions, called in this order:
# remove_containers while the node's containerd still runs (the kubelet is stopped by then), and
# remove_node_leftovers once every recorded process is gone. Each step tolerates a half-made node
# (an `up --node` that failed part-way).

# remove_containers: kills and deletes every container of the node through its containerd; their
# network namespaces (mounted under containerd's state dir) are unmounted by remove_node_leftovers.
remove_containers() {
    local sock="$NODE_DIR/containerd.sock" id n=0
    [[ -S "$sock" ]] || return 0
    local ctr_=(ctr --address "$sock" -n k8s.io --timeout 20s)
    # app containers first, then the sandboxes: a pod's containers share the sandbox's shim
    local kind
    for kind in container sandbox; do
        for id in $("${ctr_[@]}" containers ls -q "labels.\"io.cri-containerd.kind\"==$kind" 2>/dev/null); do
            "${ctr_[@]}" tasks delete -f "$id" >/dev/null 2>&1 && n=$((n + 1))
        done
    done
    # anything left (a task whose container has no CRI label, a failed delete) gets one more try
    for id in $("${ctr_[@]}" tasks ls -q 2>/dev/null); do
        "${ctr_[@]}" tasks delete -f "$id" >/dev/null 2>"$NODE_DIR/ctr.err" \
            || say "warning: could not delete task $id: $(head -c 300 "$NODE_DIR/ctr.err")"
    done
    for id in $("${ctr_[@]}" containers ls -q 2>/dev/null); do
        "${ctr_[@]}" containers delete "$id" >/dev/null 2>&1 || say "warning: could not delete container $id"
    done
    say "removed $n container task(s) of the node"
}

# under_state_mounts: mount points below $STATE, deepest first
under_state_mounts() {
    awk -v dir="$STATE/" 'index($5, dir) == 1 { print $5 }' /proc/self/mountinfo | awk '{ print length, $0 }' \
        | sort -rn | cut -d' ' -f2-
}

remove_node_leftovers() {
    local pid m round
    # containerd's shims outlive it; theirs name our socket in their command line
    for pid in $(pgrep -f "containerd-shim.*$NODE_DIR/" || true); do
        kill -KILL "$pid" 2>/dev/null && say "killed leftover shim $pid"
    done
    # kubelet's volume mounts (and its own bind mount of its root dir), container rootfs overlays,
    # network namespaces: unmounting a netns with no process left destroys it and its veth pair
    for round in 1 2 3; do
        mapfile -t mounts < <(under_state_mounts)
        ((${#mounts[@]})) || break
        for m in "${mounts[@]}"; do
            umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || say "warning: could not unmount $m"
        done
    done
    if [[ -f "$NODE_DIR/net.env" ]]; then
        local BRIDGE="" NAT_CHAIN="" MADE_SHARED=""
        # shellcheck disable=SC1091
        source <(grep -E '^(BRIDGE|NAT_CHAIN|MADE_SHARED)=' "$NODE_DIR/net.env")
        if [[ -n "$NAT_CHAIN" ]] && iptables -w -t nat -S "$NAT_CHAIN" >/dev/null 2>&1; then
            iptables -w -t nat -D PREROUTING -i "$BRIDGE" -j "$NAT_CHAIN" 2>/dev/null || true
            iptables -w -t nat -F "$NAT_CHAIN" && iptables -w -t nat -X "$NAT_CHAIN"
            say "removed iptables chain $NAT_CHAIN"
        fi
        if [[ -n "$BRIDGE" ]] && ip link show "$BRIDGE" >/dev/null 2>&1; then
            ip link delete "$BRIDGE" && say "removed bridge $BRIDGE"
        fi
        # deepest first; rmdir leaves anything another cluster still uses
        for m in $(tr ' ' '\n' <<<"$MADE_SHARED" | sort -r); do
            rmdir "$m" 2>/dev/null || true
        done
    fi
    # the kubelet links every container log into the fixed /var/log/containers
    if [[ -d /var/log/containers ]]; then
        for m in /var/log/containers/*.log; do
            [[ -L "$m" && "$(readlink "$m")" == "$NODE_DIR/"* ]] && rm -f "$m"
        done
    fi
    # never recurse into something still mounted
    if [[ -n "$(under_state_mounts)" ]]; then
        say "error: mounts remain under $STATE:"
        under_state_mounts >&2
        say "keeping $STATE"
        SEALGATE_DOWN_KEEP_STATE=1
        return 1
    fi
    return 0
}
