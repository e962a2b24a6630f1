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

connectLiveOrders();
window.Blazor?.addEventListener?.("enhancedload", connectLiveOrders);
document.addEventListener("DOMContentLoaded", () => window.Blazor?.addEventListener?.("enhancedload", connectLiveOrders));
