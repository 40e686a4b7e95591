// Upload areas of step 2, progressive enhancement only: without this file each area is a
// plain multipart form with a "Tải lên" button and the server redirects back with a message.
// With it: drag-and-drop onto an area, one POST per file with its own progress bar, and the
// server's updated area (templates/citizen/_requirement.html) swapped in after each file.
(() => {
  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  };

  const sendOne = (form, file, row) => new Promise((resolve) => {
    const data = new FormData();
    data.append("files", file, file.name);
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.setRequestHeader("HX-Request", "true"); // the server answers with the area alone
    const bar = row.querySelector("progress");
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
    };
    request.onload = () => resolve({ status: request.status, html: request.responseText });
    request.onerror = () => resolve({ status: 0, html: "" });
    request.send(data);
  });

  const swap = (area, html) => {
    const holder = document.createElement("div");
    holder.innerHTML = html.trim();
    const fresh = holder.firstElementChild;
    if (!fresh || !fresh.classList.contains("upload-area")) return area;
    area.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh); // the remove buttons use hx-post
    init(fresh);
    return fresh;
  };

  const showErrors = (area, messages) => {
    if (!messages.length) return;
    const box = area.querySelector(".upload-error");
    if (!box) return;
    box.textContent = messages.join(" ");
    box.classList.add("d-block");
  };

  const upload = async (area, files) => {
    const list = area.querySelector(".upload-progress");
    const rows = Array.from(files).map((file) => {
      const row = document.createElement("li");
      const label = document.createElement("span");
      label.textContent = `${file.name} `;
      const bar = document.createElement("progress");
      bar.max = 100;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      row.append(label, bar);
      list.append(row);
      return row;
    });
    const messages = [];
    let current = area;
    // One file at a time: each answer is the whole area, so the last one shows every file.
    for (const [index, file] of Array.from(files).entries()) {
      const form = current.querySelector("form.upload-form");
      const answer = await sendOne(form, file, rows[index]);
      if (answer.status === 200 || answer.status === 422) {
        const holder = document.createElement("div");
        holder.innerHTML = answer.html;
        const error = holder.querySelector(".upload-error");
        if (answer.status === 422 && error && error.textContent.trim()) {
          messages.push(error.textContent.trim());
        }
        const progress = current.querySelector(".upload-progress");
        current = swap(current, answer.html);
        // Keep the bars of the files still waiting in the new area.
        const fresh = current.querySelector(".upload-progress");
        if (progress && fresh && progress !== fresh) {
          rows.slice(index + 1).forEach((row) => fresh.append(row));
        }
      } else {
        messages.push(`${file.name}: tải lên không thành công, vui lòng thử lại.`);
      }
    }
    showErrors(current, messages);
  };

  const init = (root) => {
    root.querySelectorAll(".upload-area").forEach((area) => {
      if (area.dataset.uploadReady) return;
      area.dataset.uploadReady = "1";
      const input = area.querySelector("input[type=file]");
      const button = area.querySelector(".upload-submit");
      if (button) button.hidden = true; // files go up as soon as they are chosen
      if (input) input.addEventListener("change", () => {
        if (input.files.length) upload(area, input.files);
      });
      area.addEventListener("dragover", (event) => {
        event.preventDefault();
        area.classList.add("dragover");
      });
      area.addEventListener("dragleave", () => area.classList.remove("dragover"));
      area.addEventListener("drop", (event) => {
        event.preventDefault();
        area.classList.remove("dragover");
        if (event.dataTransfer && event.dataTransfer.files.length) {
          upload(area, event.dataTransfer.files);
        }
      });
    });
  };

  const confirmForms = (root) => {
    root.querySelectorAll("form[data-confirm]").forEach((form) => {
      form.addEventListener("submit", (event) => {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  };

  document.addEventListener("DOMContentLoaded", () => {
    init(document);
    confirmForms(document);
  });
  document.addEventListener("htmx:load", (event) => init(event.detail.elt));
})();
