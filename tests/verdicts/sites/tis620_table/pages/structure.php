<!-- title: โครงสร้างองค์กร -->
<center><img src="images/structure.png" width="760"></center>
