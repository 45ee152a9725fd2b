document.querySelectorAll("form").forEach((f) => f.addEventListener("submit", () => f.classList.add("sent")));
//# sourceMappingURL=app.js.map
