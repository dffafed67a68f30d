// A "Print" button on printable pages (the hand-over list); without JavaScript the browser's
// own print command does the same.
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () {
    window.print();
  });
});
