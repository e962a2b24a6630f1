// Progressive enhancement only: every page works without this file.
// Live order status: on a page with [data-live-orders], listen to the server-sent events the Web relays from the API
// and update each order's status cell. Re-checked after every enhanced navigation (Blazor patches the DOM in place).
let source = null;

function connectLiveOrders() {
    const table = document.querySelector("[data-live-orders]");
    if (!table) {
        source?.close();
        source = null;
        return;
    }
    if (source) {
        return;
    }
    source = new EventSource(table.getAttribute("data-live-orders"));
    const update = (event) => {
        const order = JSON.parse(event.data);
        const cell = document.querySelector(`[data-order-id="${order.orderId}"] [data-order-status]`);
        if (cell && order.status) {
            cell.textContent = order.status;
            cell.className = `status status-${order.status}`;
        }
    };
    // The API says "ready" once it listens; tests (and the curious) can see the stream is live.
    source.addEventListener("ready", () => table.setAttribute("data-live", "connected"));
    source.addEventListener("order.status-changed", update);
    source.addEventListener("order.placed", update);
}

// The ops view: every 15 s, fetch the page again and swap in its figures, unless the reader paused it.
let opsTimer = null;

function startOpsUpdates() {
    clearInterval(opsTimer);
    const live = document.querySelector("[data-ops-live]");
    const toggle = document.querySelector("[data-ops-live-toggle]");
    if (!live || !toggle) {
        return;
    }
    toggle.hidden = false;
    const checkbox = toggle.querySelector("input");
    opsTimer = setInterval(async () => {
        if (!checkbox.checked || !document.contains(live)) {
            return;
        }
        const response = await fetch(location.href, { headers: { accept: "text/html" } });
        if (response.ok) {
            const next = new DOMParser().parseFromString(await response.text(), "text/html").querySelector("[data-ops-live]");
            if (next) {
                live.replaceChildren(...next.childNodes);
            }
        }
    }, 15000);
}

function enhance() {
    connectLiveOrders();
    startOpsUpdates();
}

enhance();
window.Blazor?.addEventListener?.("enhancedload", enhance);
